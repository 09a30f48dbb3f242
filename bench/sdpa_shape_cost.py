"""What a new attention shape costs on this GPU: scaled_dot_product_attention at decode shapes (bf16, grouped-query
decode as Forge runs it: q [B, 2 KV heads, 7 queries, 64], keys [B, 2, L, 64], a boolean key mask), each of NEW
key lengths L called once (every call a shape not seen before, as when a batch's length grows by one a step), then
the same shapes again (all seen). Per backend: PyTorch's choice and each one forced. Prints JSON lines.
Run on the GPU machine: python3 bench/sdpa_shape_cost.py
"""
import json, time
import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

def run(backends, batch, lengths):
    def once(L):
        q = torch.randn(batch, 2, 7, 64, device="cuda", dtype=torch.bfloat16)
        k = torch.randn(batch, 2, L, 64, device="cuda", dtype=torch.bfloat16)
        mask = torch.ones(batch, 1, 1, L, device="cuda", dtype=torch.bool)
        torch.cuda.synchronize(); t = time.perf_counter()
        with sdpa_kernel(backends):
            F.scaled_dot_product_attention(q, k, k, attn_mask=mask)
        torch.cuda.synchronize()
        return time.perf_counter() - t
    first = [once(L) for L in lengths]
    again = [once(L) for L in lengths]
    return sum(first) / len(first) * 1e3, sum(again) / len(again) * 1e3

lengths = list(range(300, 340))
for name, backends in [("default", [SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH]),
                       ("cudnn", [SDPBackend.CUDNN_ATTENTION]), ("efficient", [SDPBackend.EFFICIENT_ATTENTION]), ("math", [SDPBackend.MATH])]:
    for batch in (128, 127):
        try:
            new, seen = run(backends, batch, lengths if batch == 128 else [L + 100 for L in lengths])
            print(json.dumps({"backend": name, "batch": batch, "new_shape_ms": round(new, 3), "seen_shape_ms": round(seen, 3)}), flush=True)
        except RuntimeError as e:
            print(json.dumps({"backend": name, "batch": batch, "error": str(e).splitlines()[0][:120]}), flush=True)
print(json.dumps({"torch": torch.__version__, "cudnn": torch.backends.cudnn.version(), "cudnn_sdp_enabled": torch.backends.cuda.cudnn_sdp_enabled()}))
