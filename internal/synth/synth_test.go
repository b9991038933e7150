package synth

import (
	"encoding/json"
	"testing"
)

func TestGenerateIsDeterministicAndSized(t *testing.T) {
	for _, n := range []int{10, 1000, 2500} {
		a, b := Generate(n, 7), Generate(n, 7)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("n=%d: two runs with the same seed differ", n)
		}
		// Generation stops at the first whole unit (cluster + members + log group) past n.
		if got := Count(a); got < n || got > n+len(a.Accounts[0].Regions)*4 {
			t.Errorf("n=%d: %d resources", n, got)
		}
	}
}
