package tokenizer_test

import (
	"fmt"

	"github.com/cemlab/cem/tokenizer"
)

func ExampleTrain() {
	texts := []string{
		"the cat sat on the mat",
		"the dog sat on the log",
		"the cat and the dog",
	}
	tok, err := tokenizer.Train(texts, 300)
	if err != nil {
		fmt.Println(err)
		return
	}
	ids := tok.Encode("the cat sat")
	for _, id := range ids {
		fmt.Printf("%d %q\n", id, tok.Tokens()[id]) // GPT-2 form: Ġ is a space
	}
	fmt.Printf("%q\n", tok.Decode(ids))
	fmt.Printf("%q\n", tok.Decode([]int{tok.BOS(), ids[0], tok.EOS()}))
	// Output:
	// 262 "the"
	// 270 "Ġcat"
	// 273 "Ġsat"
	// "the cat sat"
	// "<|begin|>the<|end|>"
}

func ExampleWords() {
	fmt.Printf("%q\n", tokenizer.Words("I'm  here:\n\n 42 cafés!"))
	// Output:
	// ["I" "'m" " " " here" ":" "\n\n" " 42" " cafés" "!"]
}
