package suitebuild

import (
	"os"
	"strings"
	"testing"
)

func TestOpenTrivia(t *testing.T) {
	f, err := os.Open("testdata/opentrivia.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := ParseOpenTrivia(f, "science", "otqa-science", "science")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("items = %d; want 3", len(items))
	}
	if it := items[1]; it.Question != "The river Thames flows through which city?" || it.Answer.Index != 1 || it.ID != "otqa-science-2" {
		t.Errorf("item 2 = %+v; want the joined question with answer B", it)
	}
	if it := items[2]; len(it.Choices) != 2 || it.Answer.Text != "True" {
		t.Errorf("item 3 = %+v; want a true/false item", it)
	}
	bad := "#Q q?\n^ Paris\nA Rome\nB Oslo\n"
	if _, err := ParseOpenTrivia(strings.NewReader(bad), "geo", "g", "geo"); err == nil || !strings.HasPrefix(err.Error(), "geo:1: answer \"Paris\" is not one of the 2 choices") {
		t.Errorf("error = %v; want geo:1: answer not among choices", err)
	}
	if _, err := ParseOpenTrivia(strings.NewReader("A stray\n"), "geo", "g", "geo"); err == nil || !strings.HasPrefix(err.Error(), "geo:1: ") {
		t.Errorf("error = %v; want geo:1: outside a question", err)
	}
}
