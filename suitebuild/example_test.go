package suitebuild_test

import (
	"fmt"
	"strings"

	"github.com/cemlab/cem/suitebuild"
)

func ExampleParsePattern() {
	p, _ := suitebuild.ParsePattern("Central Africa{n Rep{ublic}}")
	fmt.Println(p.Canonical())
	fmt.Println(p.Expand(0))
	// Output:
	// Central African Republic
	// [Central African Republic Central African Rep Central Africa]
}

func ExampleParseOpenTrivia() {
	in := "#Q Which element has the symbol Au?\n^ Gold\nA Silver\nB Gold\n"
	items, err := suitebuild.ParseOpenTrivia(strings.NewReader(in), "science", "otqa", "science")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(items[0].ID, items[0].Answer.Index, items[0].Answer.Text)
	// Output: otqa-1 1 Gold
}
