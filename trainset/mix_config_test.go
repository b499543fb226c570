package trainset

import (
	"reflect"
	"testing"

	"github.com/cemlab/cem/config"
)

// TestFromConfigCopiesEveryField: each field of config.MixConfig reaches
// the Mix field of its name (a field added to one and not the other, or
// not converted, fails here), and a section with no ratio is DefaultMix.
func TestFromConfigCopiesEveryField(t *testing.T) {
	notInMix := map[string]bool{"GeneralExamples": true} // read by the wiring
	var c config.MixConfig
	cv := reflect.ValueOf(&c).Elem()
	for i := range cv.NumField() {
		f := cv.Field(i)
		switch f.Kind() {
		case reflect.Float64:
			f.SetFloat(float64(i+1) / 100)
		case reflect.Int:
			f.SetInt(int64(i + 1))
		case reflect.Map:
			f.Set(reflect.ValueOf(map[string]float64{KindGeneral: float64(i + 1)}))
		}
	}
	m := FromConfig(c, 42)
	mv := reflect.ValueOf(m)
	for i := range cv.NumField() {
		name := cv.Type().Field(i).Name
		if notInMix[name] {
			continue
		}
		got := mv.FieldByName(name)
		if !got.IsValid() {
			t.Errorf("config.MixConfig.%s has no trainset.Mix field", name)
			continue
		}
		if !reflect.DeepEqual(got.Interface(), cv.Field(i).Interface()) {
			t.Errorf("Mix.%s = %v; want config's %v", name, got, cv.Field(i))
		}
	}
	if m.Seed != 42 {
		t.Errorf("Seed = %d; want 42", m.Seed)
	}
	if got, want := FromConfig(config.MixConfig{}, 1).orDefault(), DefaultMix(); got.CPT != want.CPT || got.Epochs != want.Epochs || got.Replay != want.Replay {
		t.Errorf("empty section = %+v; want DefaultMix %+v", got, want)
	}
}

// TestMixKindsMatch: the kinds config validates mix.weights against are
// this package's.
func TestMixKindsMatch(t *testing.T) {
	if !reflect.DeepEqual(config.MixKinds, Kinds) {
		t.Errorf("config.MixKinds = %v; want trainset.Kinds %v", config.MixKinds, Kinds)
	}
}
