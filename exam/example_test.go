package exam_test

import (
	"fmt"
	"strings"

	"github.com/cemlab/cem/exam"
)

func ExampleParsePattern() {
	p, _ := exam.ParsePattern("Central Africa{n Rep{ublic}}")
	fmt.Println(p.Canonical())
	fmt.Println(p.Expand(0))
	// Output:
	// Central African Republic
	// [Central African Republic Central African Rep Central Africa]
}

func ExampleMatchOpen() {
	it := &exam.Item{ID: "q", Question: "What is the capital of Chad?", Answer: exam.OpenAnswer("N'Djamena")}
	fmt.Println(exam.MatchOpen("Ndjamena.", it), exam.MatchOpen("Niamey", it))
	// Output: true false
}

func ExampleParseOpenTrivia() {
	in := "#Q Which element has the symbol Au?\n^ Gold\nA Silver\nB Gold\n"
	items, err := exam.ParseOpenTrivia(strings.NewReader(in), "science", "otqa", "science")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(items[0].ID, items[0].Answer.Index, items[0].Answer.Text)
	// Output: otqa-1 1 Gold
}

func ExamplePrompt() {
	it := &exam.Item{Question: "What is the capital of Chad?"}
	fmt.Printf("%q\n", exam.Prompt(it))
	// Output: "Question: What is the capital of Chad?\nAnswer:"
}
