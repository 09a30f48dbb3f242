using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Core.Evaluation;

namespace Forge.Core.Stages;

/// <summary>The keys every stage has; each stage kind's options class adds its own.</summary>
public abstract class StageOptions
{
    /// <summary>The stage's name in the pipeline (unique; artifacts are named after it).</summary>
    [Description("The stage's name, unique in the pipeline; artifacts are named after it (default: the kind)")]
    public string? Name { get; set; }

    /// <summary>The stage kind.</summary>
    [Description("The stage kind: sft, distill, rl, score, rejection-sampling, eval")]
    [Required]
    public string Kind { get; set; } = "";

    /// <summary>cpu, cuda or cuda:N.</summary>
    [Description("cpu, cuda or cuda:N")]
    [RegularExpression(@"^(cpu|cuda(:\d{1,3})?)$", ErrorMessage = "expected cpu, cuda or cuda:N")]
    public string Device { get; set; } = "cpu";

    /// <summary>float32, bfloat16 or float16.</summary>
    [Description("Model dtype: float32, bfloat16 or float16 (bf16/fp16 train through float32 master weights)")]
    [RegularExpression("^(float32|fp32|float|bfloat16|bf16|float16|fp16|half)$", ErrorMessage = "expected float32, bfloat16 or float16")]
    public string DType { get; set; } = "float32";

    /// <summary>The prompt template.</summary>
    [Description("Prompt template: r1, chatml, chat (the model's own chat template from its tokenizer_config.json or chat_template.jinja), or a format string with {prompt}")]
    public string Template { get; set; } = "{prompt}";

    /// <summary>How Template: chat renders.</summary>
    [Description("Template: chat settings: System, EnableThinking, Name, Kwargs")]
    public ChatTemplateOptions Chat { get; set; } = new();

    /// <summary>Held-out evaluation of the stage's model; the pipeline's Eval applies when absent.</summary>
    [Description("Held-out evaluation after the stage (wins over the pipeline's Eval)")]
    public EvalOptions? Eval { get; set; }
}
