using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Tokenizers;

public class OnigPatternTests
{
    [Theory]
    [InlineData(@"\p{L}++", @"(?>\p{L}+)")]
    [InlineData(@"[^\r\n\p{L}\p{N}]?+\p{L}+", @"(?>[^\r\n\p{L}\p{N}]?)\p{L}+")]
    [InlineData(@"\p{N}{1,3}+|\s*+$", @"(?>\p{N}{1,3})|(?>\s*)$")]
    [InlineData(@"(?:ab|c)++x", @"(?>(?:ab|c)+)x")]
    [InlineData(@"a+?b*?", @"a+?b*?")]
    [InlineData(@"x{,2}", @"x{0,2}")]
    [InlineData(@"[\x{4e00}-\x{9fa5}]\x{1F600}", @"[\u4E00-\u9FA5]\uD83D\uDE00")]
    [InlineData(@"(?i:'s|'t)|[]+]+", @"(?i:'s|'t)|[]+]+")]
    [InlineData(@"\\++", @"(?>\\+)")]
    public void Rewrites_oniguruma_only_syntax_for_dotnet(string onig, string dotnet)
    {
        OnigPattern.ToDotNet(onig).Should().Be(dotnet);
    }
}
