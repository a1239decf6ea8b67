// pds-bench: prints the throughput figures the issues name. Release build only:
//   cd Benchmarks && swift run -c release pds-bench [all|data|crypto|repo]
let which = CommandLine.arguments.dropFirst().first ?? "all"
if which == "all" || which == "data" { DataBenchmarks.run() }
if which == "all" || which == "crypto" { CryptoBenchmarks.run() }
if which == "all" || which == "repo" { RepoBenchmarks.run() }
