package demodata

import "path"

// Package is one Debian package of the demo data and the files cem uses
// from it, as slash-separated paths relative to the data root.
type Package struct {
	Name  string
	Files []string
}

// quizFiles are the bsdgames quiz files: the index and every file it names.
var quizFiles = []string{
	"index", "africa", "america", "areas", "arith", "asia", "babies", "bard",
	"chinese", "collectives", "ed", "elements", "europe", "flowers", "greek",
	"inca", "latin", "locomotive", "midearth", "morse", "mult", "murders",
	"poetry", "posneg", "pres", "province", "seq-easy", "seq-hard", "sexes",
	"sov", "spell", "state", "trek", "ucc",
}

// Packages returns the demo packages in fetch order with the files cem
// uses from each. The slice is freshly built; callers may modify it.
func Packages() []Package {
	wn := []string{}
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		wn = append(wn, "usr/share/wordnet/data."+pos, "usr/share/wordnet/index."+pos, "usr/share/wordnet/"+pos+".exc")
	}
	dict := func(name string) []string {
		return []string{"usr/share/dictd/" + name + ".index", "usr/share/dictd/" + name + ".dict.dz"}
	}
	var quiz []string
	for _, f := range quizFiles {
		quiz = append(quiz, path.Join("usr/share/games/bsdgames/quiz", f))
	}
	pkgs := []Package{
		{Name: "wordnet-base", Files: wn},
		{Name: "dict-gcide", Files: dict("gcide")},
		{Name: "dict-foldoc", Files: dict("foldoc")},
		{Name: "dict-elements", Files: dict("elements")},
		{Name: "bsdgames", Files: quiz},
	}
	for i := range pkgs {
		pkgs[i].Files = append(pkgs[i].Files, "usr/share/doc/"+pkgs[i].Name+"/copyright")
	}
	return pkgs
}
