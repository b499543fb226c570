package mistake_test

import (
	"fmt"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/mistake"
)

func ExampleMine() {
	items := []exam.Item{
		{ID: "chad", Question: "What is the capital of Chad?", Choices: []string{"N'Djamena", "Niamey"}, Answer: exam.Answer{Index: 0}},
		{ID: "mali", Question: "What is the capital of Mali?", Choices: []string{"Bamako", "Dakar"}, Answer: exam.Answer{Index: 0}, Weight: 2},
		{ID: "niger", Question: "What is the capital of Niger?", Choices: []string{"Niamey", "Bamako"}, Answer: exam.Answer{Index: 0}},
	}
	results := []exam.Result{
		{ID: "chad", Correct: false, Confidence: 0.8, Scores: []float64{-3, -1}, Margin: 0.6},
		{ID: "mali", Correct: true, Confidence: 0.55, Scores: []float64{-1, -1.2}, Margin: 0.1},
		{ID: "niger", Correct: true, Confidence: 0.99, Scores: []float64{-0.1, -5}, Margin: 0.98},
	}
	for _, m := range mistake.Mine(items, results, mistake.MineOptions{}) {
		kp := mistake.Points(m, mistake.PointOptions{})[0]
		fmt.Printf("%s %s priority=%g terms=%q\n", m.Item.ID, m.Kind, m.Priority, kp.KeyTerms)
		for _, q := range kp.Queries {
			fmt.Printf("  query %q\n", q.Text)
		}
	}
	// Output:
	// mali uncertain priority=2 terms=["Mali" "capital"]
	//   query "Bamako"
	//   query "Mali capital Bamako"
	//   query "Mali capital"
	// chad wrong priority=1 terms=["Chad" "capital"]
	//   query "N'Djamena"
	//   query "Chad capital N'Djamena"
	//   query "Chad capital"
}
