module example.com/envbench/sample

go 1.22
