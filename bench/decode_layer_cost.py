"""What each libtorch operation of one decoding step costs on this GPU, at the Qwen2.5-0.5B shape (bf16): the four
projections of a decoder layer, attention over a fixed-length cache as Forge's graphed decoding runs it (grouped
queries q [B, 2 KV heads, 7, 64], keys and values [B, 2, 384, 64], an additive key mask [B, 1, 1, 384]; each SDPA
backend forced, and PyTorch's choice), and the LM head. Each operation is captured 50 times in one CUDA graph, as the
decoding step is, and the graph replayed; the figure is the mean per operation (microseconds). The fused kernels
(add + RMSNorm, SiLU·up, rotary + cache write, the pick) are Forge's and not timed here (decode-profile has them).
Run on the GPU machine: python3 bench/decode_layer_cost.py [BATCH ...]   (default 1 128 256). Prints JSON lines.
"""
import json, sys
import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

H, KV, HEADS, D, MLP, VOCAB, CAP = 896, 2, 14, 64, 4864, 151936, 384
dt, dev = torch.bfloat16, "cuda"


def per_call_us(fn, reps=50, replays=20):
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3): fn()
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for _ in range(reps): fn()
    g.replay(); torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(replays): g.replay()
    end.record(); torch.cuda.synchronize()
    return round(start.elapsed_time(end) * 1e3 / (reps * replays), 2)


for B in [int(b) for b in sys.argv[1:]] or [1, 128, 256]:
    x = torch.randn(B, 1, H, device=dev, dtype=dt)
    w_qkv, b_qkv = torch.randn((HEADS + 2 * KV) * D, H, device=dev, dtype=dt), torch.randn((HEADS + 2 * KV) * D, device=dev, dtype=dt)
    w_o, w_gu, w_d = (torch.randn(H, H, device=dev, dtype=dt), torch.randn(2 * MLP, H, device=dev, dtype=dt), torch.randn(H, MLP, device=dev, dtype=dt))
    act = torch.randn(B, 1, MLP, device=dev, dtype=dt)
    emb = torch.randn(VOCAB, H, device=dev, dtype=dt)
    q = torch.randn(B, KV, HEADS // KV, D, device=dev, dtype=dt)
    k, v = torch.randn(B, KV, CAP, D, device=dev, dtype=dt), torch.randn(B, KV, CAP, D, device=dev, dtype=dt)
    mask = torch.zeros(B, 1, 1, CAP, device=dev, dtype=dt); mask[..., 300:] = float("-inf")
    row = {"batch": B,
           "qkv_us": per_call_us(lambda: F.linear(x, w_qkv, b_qkv)),
           "o_proj_us": per_call_us(lambda: F.linear(x, w_o)),
           "gate_up_us": per_call_us(lambda: F.linear(x, w_gu)),
           "down_us": per_call_us(lambda: F.linear(act, w_d)),
           "lm_head_us": per_call_us(lambda: F.linear(x.view(B, H), emb))}
    for name, backend in [("chosen", None), ("efficient", SDPBackend.EFFICIENT_ATTENTION), ("cudnn", SDPBackend.CUDNN_ATTENTION), ("math", SDPBackend.MATH)]:
        try:
            if backend is None: row[f"sdpa_{name}_us"] = per_call_us(lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
            else:
                with sdpa_kernel([backend]):
                    row[f"sdpa_{name}_us"] = per_call_us(lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
        except RuntimeError as e:
            row[f"sdpa_{name}_us"] = str(e).splitlines()[0][:80]
    print(json.dumps(row), flush=True)
