package knowledge_test

import (
	"context"
	"testing"

	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/knowledgetest"
)

// TestIndexConformance runs the Source suite on an index of the JSONL
// fixture and the text-folder fixture.
func TestIndexConformance(t *testing.T) {
	kb, err := knowledge.ReadJSONLFile("testdata/passages.jsonl", "kb")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := knowledge.ReadTextDir(context.Background(), "testdata/text", "docs", 0)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := knowledge.Build(context.Background(), knowledge.Concat([]*knowledge.Corpus{kb, docs}), knowledge.Options{Name: "fixture"})
	if err != nil {
		t.Fatal(err)
	}
	knowledgetest.TestSource(t, ix, []knowledgetest.Case{
		{Query: knowledge.Query{Text: "capital of Chad"}, Want: "kb-1", Within: 1},
		{Query: knowledge.Query{Text: "lake in the Sahel"}, Want: "kb-3", Within: 1},
		{Query: knowledge.Query{Text: "Chad", Sources: []string{"kb"}}, Want: "kb-2", Within: 3},
		{Query: knowledge.Query{Text: "passages headings", Sources: []string{"docs"}}, Want: "docs:guide.md#1", Within: 5},
		{Query: knowledge.Query{Text: "reopened without tokenising"}, Want: "docs:guide.md#2", Within: 1},
	})
}
