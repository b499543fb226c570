package serve_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/model/modeltest"
	"github.com/cemlab/cem/serve"
)

// TestNodeOpenAIClient runs the official openai npm package against the
// server. It needs node and CEM_NPM_OPENAI, a folder holding
// node_modules/openai; testdata/npm/run.sh installs the pinned version and
// runs this test.
func TestNodeOpenAIClient(t *testing.T) {
	dir := os.Getenv("CEM_NPM_OPENAI")
	if dir == "" {
		t.Skip("set CEM_NPM_OPENAI to a folder with node_modules/openai (testdata/npm/run.sh or scripts/install-node-deps.sh gives one) to run the npm client test")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("the npm client test runs the openai package under node, which is not on PATH")
	}
	s, err := serve.New(&modeltest.Toy{Reply: func(string) string { return " The Nile." }}, serve.Options{ModelName: "toy"})
	if err != nil {
		t.Fatal(err)
	}
	hs := newServerFor(t, s)
	const prompt = "The capital of Chad is N'Djamena"
	cmd := exec.Command(node, filepath.Join("..", "testdata", "npm", "client.mjs"))
	cmd.Env = append(os.Environ(), "CEM_NPM_OPENAI="+dir, "CEM_BASE_URL="+hs.URL+"/v1", "CEM_MODEL=toy", "CEM_PROMPT="+prompt)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node client: %v\n%s", err, stderr)
	}
	var got struct {
		Version string
		Models  []string
		Echo    struct {
			Text     string
			Logprobs struct {
				Tokens        []string   `json:"tokens"`
				TokenLogprobs []*float64 `json:"token_logprobs"`
			}
		}
		Chat, ChatStream, CompletionStream string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node output %q: %v", out, err)
	}
	t.Logf("openai npm %s", got.Version)
	toks, _ := modeltest.Tokenize(prompt)
	if len(got.Models) != 1 || got.Models[0] != "toy" {
		t.Errorf("models = %q; want [toy]", got.Models)
	}
	if got.Echo.Text != prompt || strings.Join(got.Echo.Logprobs.Tokens, "|") != strings.Join(toks, "|") {
		t.Errorf("echo = %q %q; want %q %q", got.Echo.Text, got.Echo.Logprobs.Tokens, prompt, toks)
	}
	for i := 1; i < len(toks); i++ {
		if lp := got.Echo.Logprobs.TokenLogprobs[i]; lp == nil || *lp != modeltest.LogProb(toks[i-1], toks[i]) {
			t.Errorf("token %d logprob = %v; want %v", i, lp, modeltest.LogProb(toks[i-1], toks[i]))
		}
	}
	for name, text := range map[string]string{"chat": got.Chat, "chat stream": got.ChatStream, "completion stream": got.CompletionStream} {
		if text != " The Nile." {
			t.Errorf("%s = %q; want %q", name, text, " The Nile.")
		}
	}
}
