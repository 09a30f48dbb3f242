using Forge.Bench;

// forge-bench generate|grpo-step|decode-profile [--shape tiny|qwen2.5-0.5b] [--device cpu|cuda] … (see bench/README.md)
var args_ = new Args(args);
// The fused decoding kernels, as the host installs them; --kernels off leaves them out (generate and decode-profile
// take --kernels on off to run both).
Forge.Core.Models.DecodeKernels.Installed = BenchKernels.Cuda;
switch (args.FirstOrDefault())
{
    case "generate": GenerateBench.Run(args_); break;
    case "grpo-step": GrpoStepBench.Run(args_); break;
    case "decode-profile": DecodeProfile.Run(args_); break;
    default:
        Console.Error.WriteLine("usage: forge-bench generate|grpo-step|decode-profile [--shape S] [--device D] [--dtype T] [--batch 1 64] …");
        return 2;
}
return 0;
