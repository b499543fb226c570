package exam_test

import (
	"fmt"

	"github.com/cemlab/cem/exam"
)

func ExampleMatchOpen() {
	it := &exam.Item{ID: "q", Question: "What is the capital of Chad?", Answer: exam.OpenAnswer("N'Djamena")}
	fmt.Println(exam.MatchOpen("Ndjamena.", it), exam.MatchOpen("Niamey", it))
	// Output: true false
}

func ExamplePrompt() {
	it := &exam.Item{Question: "What is the capital of Chad?"}
	fmt.Printf("%q\n", exam.Prompt(it))
	// Output: "Question: What is the capital of Chad?\nAnswer:"
}
