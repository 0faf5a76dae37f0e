//! How the human report on standard output is shown: whether it is coloured (`--color`, then
//! the environment conventions CI systems and terminals set, then whether standard output is
//! a terminal) and how many columns wide it is laid out.

/// `walint check --color`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, as the environment allows (`NO_COLOR`, `FORCE_COLOR`, ...).
    #[default]
    Auto,
    /// Colour even when standard output is not a terminal (a CI log), whatever the environment.
    Always,
    /// No colour, whatever the environment.
    Never,
}

/// True when the report is coloured. `var` reads an environment variable (unset and empty
/// are alike, as <https://no-color.org> asks). With `auto`, in this order:
///
/// - `NO_COLOR` set: no colour, even when a variable below asks for it;
/// - `FORCE_COLOR` (<https://force-color.org>) or `CLICOLOR_FORCE` set: colour, on a terminal
///   or not; `FORCE_COLOR=0` or `false` means no colour (as Node.js reads it) and
///   `CLICOLOR_FORCE=0` forces nothing (as <https://bixense.com/clicolors/> reads it);
/// - `CLICOLOR=0` or `TERM=dumb`: no colour;
/// - otherwise colour when standard output is a terminal.
pub fn use_color(
    choice: ColorChoice,
    var: impl Fn(&str) -> Option<String>,
    stdout_is_terminal: bool,
) -> bool {
    let set = |name: &str| var(name).filter(|value| !value.is_empty());
    match choice {
        ColorChoice::Always => return true,
        ColorChoice::Never => return false,
        ColorChoice::Auto => {}
    }
    if set("NO_COLOR").is_some() {
        return false;
    }
    if let Some(force) = set("FORCE_COLOR") {
        return !matches!(force.to_ascii_lowercase().as_str(), "0" | "false");
    }
    if set("CLICOLOR_FORCE").is_some_and(|force| force != "0") {
        return true;
    }
    if set("CLICOLOR").as_deref() == Some("0") || set("TERM").as_deref() == Some("dumb") {
        return false;
    }
    stdout_is_terminal
}

/// What `check --watch` writes before each run on a terminal: clear the screen and its
/// scrollback, cursor to the top.
pub const CLEAR_SCREEN: &str = "\x1b[2J\x1b[3J\x1b[H";

/// True when `check --watch` clears the screen before each run: standard output is a
/// terminal that takes escape sequences (not `TERM=dumb`). It is not colour: `NO_COLOR` and
/// `--color never` leave the clearing, and `FORCE_COLOR` does not clear a log.
pub fn clears_screen(var: impl Fn(&str) -> Option<String>, stdout_is_terminal: bool) -> bool {
    stdout_is_terminal && var("TERM").as_deref() != Some("dumb")
}

/// Columns of the terminal the human report on standard output is read in: `COLUMNS` when it
/// holds a whole number above 0 (shells and CI runners set it; anything else is ignored, as it
/// is not walint's setting), else `terminal`'s answer. `None` when neither tells: the report
/// is then laid out at a fixed width.
pub fn report_width(
    var: impl Fn(&str) -> Option<String>,
    terminal: impl FnOnce() -> Option<usize>,
) -> Option<usize> {
    var("COLUMNS")
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|&columns| columns > 0)
        .or_else(terminal)
}

/// Columns of the terminal standard output is, else of the one standard error is (the report
/// is piped into a pager, `walint check | less`); `None` when neither is a terminal.
pub fn terminal_columns() -> Option<usize> {
    let columns = |size: Option<(terminal_size::Width, terminal_size::Height)>| {
        size.map(|(width, _)| usize::from(width.0))
            .filter(|&w| w > 0)
    };
    columns(terminal_size::terminal_size_of(std::io::stdout()))
        .or_else(|| columns(terminal_size::terminal_size_of(std::io::stderr())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn width(columns: Option<&str>, terminal: Option<usize>) -> Option<usize> {
        let var = |name: &str| {
            (name == "COLUMNS")
                .then_some(columns)
                .flatten()
                .map(str::to_string)
        };
        report_width(var, || terminal)
    }

    #[test]
    fn columns_comes_before_the_terminal_size() {
        assert_eq!(width(Some("60"), Some(120)), Some(60));
        assert_eq!(width(Some(" 200 "), None), Some(200));
        assert_eq!(width(None, Some(120)), Some(120));
        assert_eq!(width(None, None), None);
    }

    #[test]
    fn a_columns_that_is_no_width_is_ignored() {
        for ignored in ["", "0", "-5", "wide", "80px", "1e3"] {
            assert_eq!(width(Some(ignored), Some(90)), Some(90), "{ignored:?}");
            assert_eq!(width(Some(ignored), None), None, "{ignored:?}");
        }
    }

    fn auto(env: &[(&str, &str)], terminal: bool) -> bool {
        let var = |name: &str| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        };
        use_color(ColorChoice::Auto, var, terminal)
    }

    #[test]
    fn auto_colours_a_terminal_only() {
        assert!(auto(&[], true));
        assert!(!auto(&[], false));
    }

    #[test]
    fn no_color_wins_over_every_variable_that_forces_colour() {
        assert!(!auto(&[("NO_COLOR", "1")], true));
        assert!(!auto(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], false));
        assert!(!auto(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], true));
        // Empty is unset.
        assert!(auto(&[("NO_COLOR", "")], true));
    }

    #[test]
    fn force_color_and_clicolor_force_colour_a_ci_log() {
        assert!(auto(&[("FORCE_COLOR", "1")], false));
        assert!(auto(&[("FORCE_COLOR", "3")], false));
        assert!(auto(&[("CLICOLOR_FORCE", "1")], false));
        assert!(!auto(&[("FORCE_COLOR", "0")], true));
        assert!(!auto(&[("FORCE_COLOR", "false")], true));
        assert!(!auto(&[("CLICOLOR_FORCE", "0")], false));
        assert!(auto(&[("CLICOLOR_FORCE", "0")], true));
        assert!(auto(&[("FORCE_COLOR", ""), ("CLICOLOR_FORCE", "1")], false));
    }

    #[test]
    fn clicolor_0_and_a_dumb_terminal_turn_colour_off() {
        assert!(!auto(&[("CLICOLOR", "0")], true));
        assert!(!auto(&[("TERM", "dumb")], true));
        assert!(auto(&[("TERM", "dumb"), ("FORCE_COLOR", "1")], true));
    }

    #[test]
    fn always_and_never_are_not_overridden_by_the_environment() {
        let env = |name: &str| (name == "NO_COLOR").then(|| "1".to_string());
        assert!(use_color(ColorChoice::Always, env, false));
        let env = |name: &str| (name == "FORCE_COLOR").then(|| "1".to_string());
        assert!(!use_color(ColorChoice::Never, env, true));
    }

    #[test]
    fn the_screen_is_cleared_on_a_terminal_that_takes_escapes_only() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        assert!(clears_screen(env(&[]), true));
        assert!(clears_screen(env(&[("NO_COLOR", "1")]), true));
        assert!(!clears_screen(env(&[("TERM", "dumb")]), true));
        assert!(!clears_screen(env(&[("FORCE_COLOR", "1")]), false));
    }
}
