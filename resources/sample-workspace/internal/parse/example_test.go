package parse_test

import (
	"fmt"

	"example.com/envbench/sample/internal/parse"
)

func ExampleLine() {
	e, err := parse.Line("2024-05-01T12:00:00Z WARN auth POST /login 401 3ms user=bob")
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Level, e.Service, e.Method, e.Path, e.StatusClass(), e.Latency, e.Attrs["user"])
	// Output: WARN auth POST /login 4xx 3ms bob
}

func ExampleNormalizePath() {
	fmt.Println(parse.NormalizePath("/users/42/orders/7?expand=items"))
	// Output: /users/:id/orders/:id
}
