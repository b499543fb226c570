// llamacheck.mjs loads GGUF files with llama.cpp (through the npm package
// node-llama-cpp, CPU only) and reports how it tokenises texts and what
// next-token probabilities it gives along a token sequence, so that the Go
// test llamacpp_test.go can compare them with cem's tokenizer and model.
//
// Usage: CEM_NODE_LLAMA=<node_modules folder> node llamacheck.mjs in.json out.json
//
// in.json:  {"models": [{"path": "m.gguf", "eval": true, "texts": [...]}], "texts": ["..."],
//            "eval": [token ids], "vocab": V, "context": N}
//           (a model's own "texts", when given, replace the shared ones)
// out.json: {"models": [{"path", "tokens": [[ids] per text],
//            "text": [detokenised text], "probs": [[V probabilities] per eval position]}]}
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [inPath, outPath] = process.argv.slice(2);
const modules = process.env.CEM_NODE_LLAMA;
if (!inPath || !outPath || !modules) {
  console.error("usage: CEM_NODE_LLAMA=<node_modules> node llamacheck.mjs in.json out.json");
  process.exit(2);
}
const entry = path.join(modules, "node-llama-cpp", "dist", "index.js");
const { getLlama, LlamaLogLevel } = await import(pathToFileURL(entry).href);
const req = JSON.parse(fs.readFileSync(inPath, "utf8"));

const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const out = { models: [] };
for (const m of req.models) {
  const model = await llama.loadModel({ modelPath: m.path, gpuLayers: 0 });
  const res = { path: m.path, tokens: [], text: [] };
  for (const t of m.texts ?? req.texts) {
    const ids = model.tokenize(t, false);
    res.tokens.push(Array.from(ids));
    res.text.push(model.detokenize(ids, false));
  }
  if (m.eval && req.eval.length > 0) {
    const ctx = await model.createContext({
      contextSize: req.context,
      batchSize: req.context,
      flashAttention: false,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
    });
    const seq = ctx.getSequence();
    const opts = { temperature: 1, topK: req.vocab, topP: 1, minP: 0 };
    const input = req.eval.map((t) => [t, { generateNext: { probabilities: true, options: opts } }]);
    const results = await seq.controlledEvaluate(input);
    res.probs = results.map((r) => {
      const row = new Array(req.vocab).fill(0);
      for (const [id, p] of r.next.probabilities) row[id] = p;
      return row;
    });
    await ctx.dispose();
  }
  await model.dispose();
  out.models.push(res);
}
fs.writeFileSync(outPath, JSON.stringify(out));
await llama.dispose();
