// Regenerates expected ids with Hugging Face tokenizers' Node binding (npm i tokenizers@0.23.2):
//   node make_expected.js TOKENIZER_JSON TEXTS_JSON [VARIANTS_JSON] > out.json
// TEXTS_JSON holds strings (encoded, then decoded) and arrays of ids (decoded only).
// With VARIANTS_JSON, each variant's normalizer/pre_tokenizer (and decoder, when it names one) replaces the tokenizer's.
// TOKENIZER_JSON may be gzipped (.gz).
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { Tokenizer } = require('tokenizers');

async function cases(file, texts) {
  const tokenizer = Tokenizer.fromFile(file);
  const out = [];
  for (const item of texts) {
    // A string is encoded then decoded; an array of ids is only decoded.
    const ids = Array.isArray(item) ? item : (await tokenizer.encode(item, null, { addSpecialTokens: false })).getIds();
    const text = Array.isArray(item) ? undefined : item;
    out.push({ text, ids, decoded: await tokenizer.decode(ids, false), skipped: await tokenizer.decode(ids, true) });
  }
  return out;
}

function read(file) {
  const bytes = fs.readFileSync(file);
  return (file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
}

(async () => {
  let [file, textsFile, variantsFile] = process.argv.slice(2);
  if (file.endsWith('.gz')) {
    const plain = path.join(os.tmpdir(), `tokenizer-${process.pid}.json`);
    fs.writeFileSync(plain, read(file));
    file = plain;
  }
  const texts = JSON.parse(fs.readFileSync(textsFile, 'utf8'));
  if (!variantsFile) return console.log(JSON.stringify({ cases: await cases(file, texts) }));
  const base = JSON.parse(read(file));
  const result = {};
  for (const [name, variant] of Object.entries(JSON.parse(fs.readFileSync(variantsFile, 'utf8')))) {
    const tmp = path.join(os.tmpdir(), `variant-${name}.json`);
    fs.writeFileSync(tmp, JSON.stringify({ ...base, normalizer: variant.normalizer ?? null, pre_tokenizer: variant.pre_tokenizer, decoder: variant.decoder ?? base.decoder }));
    result[name] = { ...variant, cases: await cases(tmp, texts) };
  }
  console.log(JSON.stringify(result));
})();
