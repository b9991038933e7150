package awsfake

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// LoadPlacebo reads a Cloud Custodian placebo recording ({"status_code", "data"}) and returns
// the API output: data without ResponseMetadata, botocore datetime objects turned into
// time.Time (UTC).
func LoadPlacebo(path string) (Item, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read recording: %w", err)
	}
	var wrap struct {
		StatusCode int            `json:"status_code"`
		Data       map[string]any `json:"data"`
	}
	if err := json.Unmarshal(raw, &wrap); err != nil {
		return nil, fmt.Errorf("decode recording %s: %w", path, err)
	}
	delete(wrap.Data, "ResponseMetadata")
	out, _ := fromPlacebo(wrap.Data).(map[string]any)
	return out, nil
}

// Items returns the list under key of a loaded recording.
func Items(out Item, key string) []Item {
	list, _ := out[key].([]any)
	items := make([]Item, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			items = append(items, m)
		}
	}
	return items
}

func fromPlacebo(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x["__class__"] == "datetime" {
			n := func(k string) int { f, _ := x[k].(float64); return int(f) }
			return time.Date(n("year"), time.Month(n("month")), n("day"), n("hour"), n("minute"), n("second"), n("microsecond")*1000, time.UTC)
		}
		for k, e := range x {
			x[k] = fromPlacebo(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = fromPlacebo(e)
		}
		return x
	}
	return v
}
