"""deassist's offline eval suite (cases, graders, runner) and `evals/bench/` benchmarks."""
