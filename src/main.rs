use std::process::ExitCode;

fn main() -> ExitCode {
    walint::cli::main()
}

/// Probes standard output before Rust's runtime starts: the runtime replaces a closed
/// descriptor with `/dev/null` before `main`, and walint must tell a closed stdout (a report
/// that would be lost, exit 2) from a `/dev/null` the caller chose. Constructors in these
/// sections run before `main`, in the order the loader gives.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_os = "illumos",
    target_os = "solaris"
))]
#[used]
#[link_section = ".init_array"]
static PROBE_STANDARD_OUTPUT: extern "C" fn() = probe_standard_output;

#[cfg(target_vendor = "apple")]
#[used]
#[link_section = "__DATA,__mod_init_func"]
static PROBE_STANDARD_OUTPUT: extern "C" fn() = probe_standard_output;

#[cfg(any(unix, target_vendor = "apple"))]
extern "C" fn probe_standard_output() {
    walint::cli::probe_standard_output();
}
