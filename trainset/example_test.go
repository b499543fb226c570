package trainset_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/trainset"
)

func ExampleBuilder_Build() {
	chad := exam.Item{ID: "capital/chad", Question: "What is the capital of Chad?", Answer: exam.OpenAnswer("N'Djamena"),
		Subject: "Chad", Relation: "capital", Object: "N'Djamena"}
	in := trainset.Inputs{Round: 1, Evidence: []trainset.Evidence{{
		Passage: knowledge.Passage{ID: "wordnet:n08720280", Source: "wordnet",
			Text: "N'Djamena, Ndjamena: the capital and largest city of Chad; located on the Shari river"},
		Item: chad, Answer: "N'Djamena",
	}}}
	mix, _ := trainset.Mix{Budget: 10, Seed: 1}.Ablate(trainset.NoReplay)
	set, man, _ := trainset.Builder{}.Build(context.Background(), in, mix)
	for _, k := range man.Kinds {
		fmt.Printf("%-10s pool=%d target=%.1f examples=%d\n", k.Kind, k.Pool, k.Target, k.Examples)
	}
	seen := map[string]bool{}
	var prompts []string
	for _, e := range set.Examples {
		if e.Kind == trainset.KindNormative && !seen[e.Prompt] {
			seen[e.Prompt] = true
			prompts = append(prompts, fmt.Sprintf("%q -> %q", e.Prompt, e.Text))
		}
	}
	slices.Sort(prompts)
	for _, p := range prompts {
		fmt.Println(p)
	}
	// Output:
	// cpt        pool=1 target=4.0 examples=2
	// normative  pool=4 target=2.5 examples=3
	// extractive pool=1 target=1.5 examples=2
	// review     pool=0 target=1.0 examples=0
	// general    pool=0 target=1.0 examples=0
	// replay     pool=0 target=0.0 examples=0
	// "Question: Chad has its seat of government in which city?\nAnswer:" -> " N'Djamena"
	// "Question: Fill in the blank: ____ ____ the capital and largest city of Chad\nAnswer:" -> " N'Djamena"
	// "Question: Which city is the capital of Chad?\nAnswer:" -> " N'Djamena"
}
