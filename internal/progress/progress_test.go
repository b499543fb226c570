package progress

import "testing"

func TestNamedAndNil(t *testing.T) {
	var got []Update
	r := Named(Func(func(u Update) { got = append(got, u) }), "train")
	Report(r, Update{Task: "other", Done: 1, Total: 2, Train: true, Loss: 0.5})
	Report(nil, Update{Done: 9})
	Report(Named(nil, "x"), Update{Done: 9})
	if len(got) != 1 || got[0] != (Update{Task: "train", Done: 1, Total: 2, Train: true, Loss: 0.5}) {
		t.Errorf("updates = %+v; want one, named train", got)
	}
}
