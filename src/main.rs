use std::process::ExitCode;

fn main() -> ExitCode {
    walint::cli::main()
}
