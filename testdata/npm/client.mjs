// A third-party client against an OpenAI-compatible server (cem serve):
// the official openai npm package, pinned in scripts/install-node-deps.sh. It prints one JSON
// object with what it received; the Go test (serve/npm_test.go) checks it.
//
//   CEM_NPM_OPENAI=/tmp/npmopenai CEM_BASE_URL=http://127.0.0.1:8080/v1 node client.mjs
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const dir = process.env.CEM_NPM_OPENAI;
const baseURL = process.env.CEM_BASE_URL;
if (!dir || !baseURL) {
  console.error("set CEM_NPM_OPENAI (folder with node_modules/openai) and CEM_BASE_URL");
  process.exit(2);
}
const require = createRequire(dir.replace(/\/?$/, "/"));
const OpenAI = require("openai");
const client = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0 });
const model = process.env.CEM_MODEL || "cem";
const prompt = process.env.CEM_PROMPT || "The capital of Chad is N'Djamena";

const pkg = JSON.parse(readFileSync(join(dir, "node_modules", "openai", "package.json"), "utf8"));
const out = { version: pkg.version };
const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const echo = await client.completions.create({ model, prompt, echo: true, logprobs: 1, max_tokens: 0 });
out.echo = { text: echo.choices[0].text, logprobs: echo.choices[0].logprobs, usage: echo.usage };

const chat = await client.chat.completions.create({
  model, messages: [{ role: "user", content: "Which river is longer?" }], max_tokens: 16, temperature: 0,
});
out.chat = chat.choices[0].message.content;

let streamed = "";
const stream = await client.chat.completions.create({
  model, messages: [{ role: "user", content: "Which river is longer?" }], max_tokens: 16, stream: true,
});
for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
out.chatStream = streamed;

let completed = "";
const cstream = await client.completions.create({ model, prompt: "Which river?", max_tokens: 16, stream: true });
for await (const chunk of cstream) completed += chunk.choices[0]?.text ?? "";
out.completionStream = completed;

console.log(JSON.stringify(out));
