using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Models;

public class CloneTests
{
    [Fact]
    public void A_frozen_clone_created_inside_a_dispose_scope_outlives_it_and_computes_the_same_logits()
    {
        using var model = ModelFixtures.Load("llama");
        using var ids = tensor(new long[] { 1, 2, 3, 4 }).unsqueeze(0);
        Forge.Contracts.Models.ILanguageModel clone;
        using (NewDisposeScope())
        {
            clone = model.Clone(frozen: true);
        }
        using var noGrad = no_grad();
        clone.Logits(clone.Hidden(ids)).allclose(model.Logits(model.Hidden(ids))).Should().BeTrue();
        clone.Module.parameters().Should().AllSatisfy(p => p.requires_grad.Should().BeFalse());
        clone.Dispose();
    }
}
