package workers

import (
	"testing"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/model/finetune"
)

// TestOpenAITrainer: trainer.backend openai builds the fine-tuning API
// trainer and meters it as trainer/openai.
func TestOpenAITrainer(t *testing.T) {
	cfg, err := config.Parse([]byte("model: {backend: openai, base_url: \"http://127.0.0.1:1/v1\", name: gpt-4o-mini-2024-07-18}\n" +
		"trainer:\n  backend: openai\n  openai: {n_epochs: 2, suffix: team}\nsuites:\n  - {path: e.jsonl, role: exam}\n"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := New(Options{Config: cfg, Source: capitalSource(), Corpus: []knowledge.Passage{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Trainer.(*finetune.Trainer); !ok {
		t.Fatalf("trainer = %T; want *finetune.Trainer", st.Trainer)
	}
	if st.Meter == nil {
		t.Fatal("no meter")
	}
	if _, ok := st.Meter.Usage()["trainer/openai"]; !ok {
		t.Errorf("meter labels = %v; want trainer/openai", st.Meter.Usage())
	}
}
