package parse

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLine(t *testing.T) {
	ts := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		in        string
		want      Entry
		wantErr   bool
		wantField string
		wantEmpty bool
	}{
		{
			name: "minimal",
			in:   "2024-05-01T12:00:00Z INFO api GET /users/42 200 12ms",
			want: Entry{Time: ts, Level: LevelInfo, Service: "api", Method: "GET", Path: "/users/42", Status: 200, Latency: 12 * time.Millisecond},
		},
		{
			name: "attributes and lower-case",
			in:   "  2024-05-01T12:00:00Z warning auth post /login 401 1.5ms user=bob region=eu  ",
			want: Entry{Time: ts, Level: LevelWarn, Service: "auth", Method: "POST", Path: "/login", Status: 401, Latency: 1500 * time.Microsecond,
				Attrs: map[string]string{"user": "bob", "region": "eu"}},
		},
		{name: "blank", in: "   ", wantEmpty: true},
		{name: "comment", in: "# header", wantEmpty: true},
		{name: "too few fields", in: "2024-05-01T12:00:00Z INFO api GET", wantErr: true, wantField: "line"},
		{name: "bad time", in: "yesterday INFO api GET / 200 1ms", wantErr: true, wantField: "time"},
		{name: "bad level", in: "2024-05-01T12:00:00Z LOUD api GET / 200 1ms", wantErr: true, wantField: "level"},
		{name: "bad method", in: "2024-05-01T12:00:00Z INFO api FETCH / 200 1ms", wantErr: true, wantField: "method"},
		{name: "relative path", in: "2024-05-01T12:00:00Z INFO api GET users 200 1ms", wantErr: true, wantField: "path"},
		{name: "status out of range", in: "2024-05-01T12:00:00Z INFO api GET / 999 1ms", wantErr: true, wantField: "status"},
		{name: "negative latency", in: "2024-05-01T12:00:00Z INFO api GET / 200 -1ms", wantErr: true, wantField: "latency"},
		{name: "bad attr", in: "2024-05-01T12:00:00Z INFO api GET / 200 1ms =x", wantErr: true, wantField: "attr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Line(tt.in)
			if tt.wantEmpty {
				if !errors.Is(err, ErrEmpty) {
					t.Fatalf("err = %v, want ErrEmpty", err)
				}
				return
			}
			if tt.wantErr {
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v, want *SyntaxError", err)
				}
				if se.Field != tt.wantField {
					t.Fatalf("field = %q, want %q (%v)", se.Field, tt.wantField, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !entriesEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func entriesEqual(a, b Entry) bool {
	if !a.Time.Equal(b.Time) || a.Level != b.Level || a.Service != b.Service || a.Method != b.Method ||
		a.Path != b.Path || a.Status != b.Status || a.Latency != b.Latency || len(a.Attrs) != len(b.Attrs) {
		return false
	}
	for k, v := range a.Attrs {
		if b.Attrs[k] != v {
			return false
		}
	}
	return true
}

func TestLevelRoundTrip(t *testing.T) {
	for _, l := range []Level{LevelDebug, LevelInfo, LevelWarn, LevelError} {
		got, err := ParseLevel(l.String())
		if err != nil || got != l {
			t.Errorf("ParseLevel(%q) = %v, %v", l.String(), got, err)
		}
	}
	if s := Level(42).String(); s != "Level(42)" {
		t.Errorf("Level(42).String() = %q", s)
	}
}

func TestStatusClass(t *testing.T) {
	tests := []struct {
		status int
		want   string
	}{
		{200, "2xx"}, {204, "2xx"}, {301, "3xx"}, {404, "4xx"}, {503, "5xx"}, {0, "other"}, {700, "other"},
	}
	for _, tt := range tests {
		if got := (Entry{Status: tt.status}).StatusClass(); got != tt.want {
			t.Errorf("StatusClass(%d) = %q, want %q", tt.status, got, tt.want)
		}
	}
}

func TestNormalizePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/", "/"},
		{"/users", "/users"},
		{"/users/42", "/users/:id"},
		{"/users/42/orders/7", "/users/:id/orders/:id"},
		{"/users/me/", "/users/me"},
		{"/search?q=shoes", "/search"},
		{"/v2/items", "/v2/items"},
	}
	for _, tt := range tests {
		if got := NormalizePath(tt.in); got != tt.want {
			t.Errorf("NormalizePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReader(t *testing.T) {
	in := strings.Join([]string{
		"# comment",
		"2024-05-01T12:00:00Z INFO api GET /a 200 1ms",
		"",
		"garbage",
		"2024-05-01T12:00:01Z ERROR api GET /b 500 9ms",
	}, "\n")
	res, err := Reader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if res.Lines != 5 || len(res.Entries) != 2 || len(res.Errors) != 1 {
		t.Fatalf("got lines=%d entries=%d errors=%d", res.Lines, len(res.Entries), len(res.Errors))
	}
	var se *SyntaxError
	if !errors.As(res.Errors[0], &se) || se.Line != 4 {
		t.Fatalf("error = %v, want syntax error on line 4", res.Errors[0])
	}
}

func BenchmarkLine(b *testing.B) {
	const line = "2024-05-01T12:00:00Z INFO api GET /users/42 200 12ms user=alice region=eu"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Line(line); err != nil {
			b.Fatal(err)
		}
	}
}
