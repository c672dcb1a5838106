//! The `helloworld` binary: everything lives in the library; see `cli`.

fn main() -> std::process::ExitCode {
    helloworld::cli::main()
}
