// Rebuilds Llama 2's tokenizer.json from the vocabulary and merges baked into npm llama-tokenizer-js@1.2.2 (which took
// them from the tokenizer.json distributed with LLaMA, ids = positions), in the layout of Hugging Face's Llama-2
// tokenizer.json (the same sections as the Mistral v0.1 file beside it: Prepend/Replace normalizer, no pre-tokenizer,
// BPE with byte_fallback and fuse_unk, Replace/ByteFallback/Fuse/Strip decoder).
//   node from_llama_tokenizer_js.mjs PATH/TO/llama-tokenizer.js ../mistral-v0.1/tokenizer.json > tokenizer.json
import fs from 'fs';
import { pathToFileURL } from 'url';

const [moduleFile, layoutFile] = process.argv.slice(2);
const { default: llama } = await import(pathToFileURL(moduleFile).href);
const layout = JSON.parse(fs.readFileSync(layoutFile, 'utf8'));
const vocab = {};
llama.vocabById.forEach((token, id) => { vocab[token] = id; });
// llama.merges maps "a b" to its priority, inserted in priority order.
const merges = [...llama.merges.entries()].sort((a, b) => a[1] - b[1]).map(([pair]) => pair);
const out = { ...layout, model: { ...layout.model, vocab, merges } };
process.stdout.write(JSON.stringify(out));
