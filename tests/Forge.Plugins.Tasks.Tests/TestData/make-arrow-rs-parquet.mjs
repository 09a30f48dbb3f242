// The files of tests/gpu/fixtures/parquet.py (pyarrow) written by a second, independent implementation: arrow-rs,
// through parquet-wasm. Run where npm reaches its registry:
//   cd "$(mktemp -d)" && npm install parquet-wasm@0.8.0 apache-arrow@21.2.0 && cp ~-/tests/Forge.Plugins.Tasks.Tests/TestData/make-arrow-rs-parquet.mjs . \
//     && node make-arrow-rs-parquet.mjs ~-/tests/Forge.Plugins.Tasks.Tests/TestData/parquet/arrow-rs
import * as arrow from "apache-arrow";
import * as pq from "parquet-wasm";
import fs from "fs";
import path from "path";
const out = process.argv[2];
const S = new arrow.Utf8(), I = new arrow.Int64(), D = new arrow.Float64(), B = new arrow.Bool();
const list = t => new arrow.List(new arrow.Field("item", t, true));
const MSG = list(new arrow.Struct([new arrow.Field("content", S, true), new arrow.Field("role", S, true)]));
function gsm8k(n, off) { const rows = [], gold = []; for (let i = 0; i < n; i++) { const a = 3 + i + off, b = 7 + 2 * i;
  rows.push({ question: `Natalia sold ${a} clips in April and ${b} in May. How many clips did she sell altogether?`, answer: `Natalia sold ${a}+${b} = <<${a}+${b}=${a + b}>>${a + b} clips.\n#### ${a + b}` }); gold.push(String(a + b)); } return [rows, gold]; }
function math() { const rows = [], gold = []; for (let i = 0; i < 12; i++) { const boxed = [`\\frac{${i + 1}}{${i + 2}}`, `${i * i}`, `\\sqrt{${i + 2}}`, `(${i}, ${-i})`][i % 4];
  rows.push({ problem: `Problem ${i}: compute the value. Écrire $x^{${i}}$.`, solution: `First try $\\boxed{0}$ is wrong. Hence the answer is $\\boxed{${boxed}}$.`, level: i == 5 ? null : `Level ${1 + i % 5}`, type: ["Algebra", "Geometry", "Number Theory"][i % 3] }); gold.push(boxed); } return [rows, gold]; }
function openr1() { const rows = [], gold = []; for (let i = 0; i < 10; i++) { const answer = i == 3 ? null : String(10 * i);
  rows.push({ problem: `Find ${i} times ten. 数学 ${i}`, solution: `We get \\boxed{${10 * i}}.`, answer, problem_type: "Algebra", uuid: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
    correctness_count: i % 3, score: i / 4, is_reasoning_complete: [true, i % 2 == 0], generations: i == 4 ? null : (i == 6 ? [] : [`<think>${i}*10</think> ${10 * i}`, "second"]),
    messages: [{ content: `Find ${i} times ten.`, role: "user" }, { content: `\\boxed{${10 * i}}`, role: "assistant" }] }); gold.push(answer); } return [rows, gold]; }
function numina() { const rows = [], gold = []; for (let i = 0; i < 6; i++) { rows.push({ source: "synthetic_math", problem: `What is ${i} + ${i}?`, solution: `Adding gives $\\boxed{${2 * i}}$.`,
  messages: [{ content: `What is ${i} + ${i}?`, role: "user" }, { content: `$\\boxed{${2 * i}}$`, role: "assistant" }] }); gold.push(String(2 * i)); } return [rows, gold]; }
const files = [
  ["gsm8k/train-00000-of-00001.parquet", ...gsm8k(40, 0), { question: S, answer: S }, pq.Compression.SNAPPY, 16, {}],
  ["gsm8k/test-00000-of-00001.parquet", ...gsm8k(8, 100), { question: S, answer: S }, pq.Compression.ZSTD, 1000, {}],
  ["math/train-00000-of-00001.parquet", ...math(), { problem: S, solution: S, level: S, type: S }, pq.Compression.ZSTD, 5, {}],
  ["openr1/default-00000-of-00001.parquet", ...openr1(), { problem: S, solution: S, answer: S, problem_type: S, uuid: S, correctness_count: I, score: D, is_reasoning_complete: list(B), generations: list(S), messages: MSG }, pq.Compression.SNAPPY, 4, { Prompt: "problem", Answer: "answer" }],
  ["numina/train-00000-of-00001.parquet", ...numina(), { source: S, problem: S, solution: S, messages: MSG }, pq.Compression.ZSTD, 1000, { Answer: "solution" }],
];
const expected = { writer: "arrow-rs (parquet-wasm 0.8.0)", files: [] };
for (const [name, rows, gold, types, codec, groupSize, mapping] of files) {
  const cols = {};
  for (const [c, t] of Object.entries(types)) cols[c] = arrow.vectorFromArray(rows.map(r => (t === I && r[c] != null) ? BigInt(r[c]) : r[c]), t);
  const table = new arrow.Table(cols);
  const props = new pq.WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(groupSize).build();
  const bytes = pq.writeParquet(pq.Table.fromIPCStream(arrow.tableToIPC(table, "stream")), props);
  const p = path.join(out, name); fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, bytes);
  expected.files.push({ file: name, row_groups: Math.ceil(rows.length / groupSize), mapping, rows, gold });
  console.log(`${name}: ${rows.length} rows, ${bytes.length} bytes`);
}
fs.writeFileSync(path.join(out, "expected.json"), JSON.stringify(expected, null, 1));
