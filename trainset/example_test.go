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
	mix, _ := trainset.Mix{Budget: 20, Seed: 1}.Ablate(trainset.NoReplay)
	set, man, _ := trainset.Builder{}.Build(context.Background(), in, mix)
	for _, k := range man.Kinds {
		fmt.Printf("%-10s pool=%d target=%.1f examples=%d\n", k.Kind, k.Pool, k.Target, k.Examples)
	}
	seen := map[string]bool{}
	var prompts []string
	for _, e := range set.Examples {
		if (e.Kind == trainset.KindNormative || e.Kind == trainset.KindAugment) && !seen[e.Prompt+e.Text] {
			seen[e.Prompt+e.Text] = true
			prompts = append(prompts, fmt.Sprintf("%s %q -> %q", e.Kind, e.Prompt, e.Text))
		}
	}
	slices.Sort(prompts)
	for _, p := range prompts {
		fmt.Println(p)
	}
	// Output:
	// cpt        pool=1 target=7.0 examples=2
	// augment    pool=3 target=2.6 examples=3
	// normative  pool=4 target=4.3 examples=5
	// extractive pool=1 target=2.6 examples=2
	// review     pool=0 target=1.7 examples=0
	// general    pool=0 target=1.7 examples=0
	// replay     pool=0 target=0.0 examples=0
	// augment "" -> "Chad's capital and largest city is N'Djamena. Ndjamena is another name for N'Djamena. N'Djamena is located on the Shari river."
	// augment "" -> "N'Djamena is also called Ndjamena. N'Djamena is the capital and largest city of Chad. N'Djamena is located on the Shari river."
	// augment "" -> "Ndjamena is another name for N'Djamena. The capital and largest city of Chad is called N'Djamena. Chad's capital and largest city is N'Djamena."
	// normative "Question: Chad has its seat of government in which city?\nAnswer:" -> " N'Djamena"
	// normative "Question: Name the capital city of Chad.\nAnswer:" -> " N'Djamena"
	// normative "Question: The capital of Chad is what?\nAnswer:" -> " N'Djamena"
	// normative "Question: Which city is the capital of Chad?\nAnswer:" -> " N'Djamena"
}
