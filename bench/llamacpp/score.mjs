// score.mjs times llama.cpp (through the npm package node-llama-cpp, CPU
// only) on a multiple-choice scoring workload and reports the natural-log
// probability of every continuation token, for the Go program in this
// folder (main.go), which times cem's engine on the same items.
//
// Usage: CEM_NODE_LLAMA=<node_modules folder> node score.mjs in.json out.json
//
// in.json: {"model": "m.gguf", "threads": T, "sequences": S, "context": N,
//           "vocab": V, "reps": R, "warmup": W, "maxSeconds": M,
//           "modes": ["logprobs", "greedy", "nologits"],
//           "items": [{"prompt": [ids], "conts": [[ids], ...]}, ...]}
//
// Each item is scored on one context sequence: the prompt is evaluated once
// and the logits of its last token give each continuation's first token;
// then each continuation but its last token is evaluated after the prompt
// and erased again, so the prompt's keys and values are reused. S sequences
// score S items concurrently (node-llama-cpp batches their tokens into one
// llama_decode). Every timed pass evaluates exactly the tokens that cem's
// ScoreTokens does: the prompt plus each continuation without its last
// token.
//
// Modes:
//   logprobs  log p of each continuation token, read from llama.cpp's full
//             next-token distribution (generateNext.probabilities; the only
//             public way node-llama-cpp exposes a given token's probability),
//             so it includes sorting the vocabulary and building a JS Map
//             of V entries per scored position.
//   greedy    the same evaluation, with llama.cpp only picking the argmax
//             token at each scored position (generateNext.token at
//             temperature 0): the logits are computed as in logprobs but no
//             distribution crosses into JavaScript. A lower bound on the
//             engine's own cost of scoring, apart from node-llama-cpp's
//             per-call overhead (one asynchronous sampling call per scored
//             position).
//   nologits  the same tokens evaluated with no logits requested at all:
//             llama.cpp skips the output layer (V·D multiply-adds per scored
//             position) and all sampling, so it does less work than the
//             workload needs. An upper bound on llama.cpp's speed here.
//
// A pass stops starting items after M seconds (0: no limit), so that a
// starved run (llama.cpp's threads spin at barriers and crawl on an
// oversubscribed machine) ends; it then covers the first items only.
//
// out.json: {"llamaCpp": {"repo", "release"}, "systemInfo": llama.cpp's CPU
//            features, "threads": actual threads, "contextSize" (per sequence),
//            "runs": [{"mode", "seconds", "tokens", "items"}] (the pass with
//            the best tokens/s of R, and the items and tokens it did),
//            "logprobs": [[[log p per token] per continuation] per item done]}
//            (logprobs only when the logprobs mode ran)
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [inPath, outPath] = process.argv.slice(2);
const modules = process.env.CEM_NODE_LLAMA;
if (!inPath || !outPath || !modules) {
  console.error("usage: CEM_NODE_LLAMA=<node_modules> node score.mjs in.json out.json");
  process.exit(2);
}
const entry = path.join(modules, "node-llama-cpp", "dist", "index.js");
const { getLlama, LlamaLogLevel } = await import(pathToFileURL(entry).href);
const req = JSON.parse(fs.readFileSync(inPath, "utf8"));

const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads: 0 });
const model = await llama.loadModel({ modelPath: req.model, gpuLayers: 0 });
// llama.cpp splits the context among the sequences: give each the model's
// full context.
const ctx = await model.createContext({
  contextSize: req.context * req.sequences,
  batchSize: req.context * req.sequences,
  sequences: req.sequences,
  threads: { ideal: req.threads, min: req.threads },
  flashAttention: false,
  // F32 keys and values, as cem keeps them, so that log-probs agree closely.
  experimentalKvCacheKeyType: "F32",
  experimentalKvCacheValueType: "F32",
});
const seqs = [];
for (let i = 0; i < req.sequences; i++) seqs.push(ctx.getSequence());
// An item that does not fit would make node-llama-cpp shift the context
// (drop the prompt's first tokens) and change the log-probs.
for (const [i, it] of req.items.entries()) {
  const need = it.prompt.length + Math.max(...it.conts.map((c) => c.length)) - 1;
  if (need > seqs[0].contextSize) {
    throw new Error(`item ${i} needs ${need} positions; a sequence has ${seqs[0].contextSize}`);
  }
}

const probOptions = { temperature: 1, topK: req.vocab, topP: 1, minP: 0 };
const nextOf = {
  logprobs: { probabilities: true, options: probOptions },
  greedy: { token: true, options: { temperature: 0 } },
  nologits: null,
};

// logProb reads log p(token) from a controlledEvaluate output (logprobs
// mode); the other modes record nothing.
function logProb(next, token) {
  if (next?.probabilities == null) return null;
  return Math.log(next.probabilities.get(token) ?? 0);
}

// scoreItem scores one item on seq and returns its per-token log-probs.
async function scoreItem(seq, item, mode) {
  if (!(mode in nextOf)) throw new Error(`unknown mode ${mode}`);
  // A token with generateNext options gets logits; a bare id does not.
  const withNext = nextOf[mode] == null ? (t) => t : (t) => [t, { generateNext: nextOf[mode] }];
  await seq.clearHistory();
  const last = item.prompt.length - 1;
  const res = await seq.controlledEvaluate(item.prompt.map((t, i) => (i === last ? withNext(t) : t)));
  const first = res[last]?.next;
  const out = [];
  for (const cont of item.conts) {
    const lps = [logProb(first, cont[0])];
    if (cont.length > 1) {
      const input = cont.slice(0, -1).map(withNext);
      const r = await seq.controlledEvaluate(input);
      for (let j = 0; j < input.length; j++) lps.push(logProb(r[j]?.next, cont[j + 1]));
      await seq.eraseContextTokenRanges([{ start: item.prompt.length, end: item.prompt.length + input.length }]);
    }
    out.push(lps);
  }
  return out;
}

// pass scores items on all sequences concurrently, in item order, and
// stops starting items once maxSeconds have passed (0: no limit). It
// returns the results of the items done, always a prefix of items, since
// every item started is finished.
async function pass(items, mode, maxSeconds) {
  const out = [];
  let next = 0;
  const t0 = performance.now();
  const over = () => maxSeconds > 0 && (performance.now() - t0) / 1000 > maxSeconds;
  await Promise.all(
    seqs.map(async (seq) => {
      while (next < items.length && !over()) {
        const i = next++;
        out[i] = await scoreItem(seq, items[i], mode);
      }
    }),
  );
  return out.slice(0, next);
}

// forwardTokens counts the tokens a pass over items evaluates.
function forwardTokens(items) {
  let n = 0;
  for (const it of items) {
    n += it.prompt.length;
    for (const c of it.conts) n += c.length - 1;
  }
  return n;
}

const result = {
  llamaCpp: llama.llamaCppRelease,
  systemInfo: llama.systemInfo,
  threads: ctx.currentThreads,
  contextSize: seqs[0].contextSize,
  runs: [],
};
for (const mode of req.modes) {
  await pass(req.items.slice(0, req.warmup), mode, req.maxSeconds ?? 0);
  let best = null;
  for (let r = 0; r < req.reps; r++) {
    const t0 = performance.now();
    const scores = await pass(req.items, mode, req.maxSeconds ?? 0);
    const seconds = (performance.now() - t0) / 1000;
    const tokens = forwardTokens(req.items.slice(0, scores.length));
    if (best == null || tokens / seconds > best.tokens / best.seconds) {
      best = { mode, seconds, tokens, items: scores.length, scores };
    }
  }
  result.runs.push({ mode, seconds: best.seconds, tokens: best.tokens, items: best.items });
  if (mode === "logprobs") result.logprobs = best.scores;
}
fs.writeFileSync(outPath, JSON.stringify(result));
await ctx.dispose();
await model.dispose();
await llama.dispose();
