//! Running child processes from xtask: each command is echoed before it runs and a failure names the command,
//! so a red CI log says exactly what to run again by hand. Nothing here interprets a command's output.

use std::{
    ffi::{OsStr, OsString},
    path::Path,
    process::Command,
};

use anyhow::{Context, bail};

/// Prints a heading for a step of a long-running command.
pub fn step(message: &str) {
    println!("\n==> {message}");
}

/// A command to run, echoed first.
pub struct Cmd {
    command: Command,
    shown: String,
}

/// `cargo ARGS` in `dir`, using the same cargo that runs xtask.
pub fn cargo(dir: &Path, args: &[&str]) -> Cmd {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = program(&cargo, args);
    cmd.command.current_dir(dir);
    cmd.shown = format!("cargo {}", args.join(" "));
    cmd
}

/// `PROGRAM ARGS`.
pub fn program(program: &OsStr, args: &[&str]) -> Cmd {
    let mut command = Command::new(program);
    command.args(args);
    Cmd {
        shown: format!("{} {}", program.to_string_lossy(), args.join(" ")),
        command,
    }
}

impl Cmd {
    /// Runs the command in `dir` instead of the current directory.
    pub fn current_dir(&mut self, dir: &Path) {
        self.command.current_dir(dir);
    }

    pub fn env(mut self, key: &str, value: &OsStr) -> Cmd {
        self.command.env(key, value);
        self
    }

    /// Runs the command with inherited output and fails unless it exits 0.
    pub fn run(mut self) -> anyhow::Result<()> {
        println!("    $ {}", self.shown);
        let status = self
            .command
            .status()
            .with_context(|| format!("could not start `{}`", self.shown))?;
        if !status.success() {
            bail!("`{}` failed ({status})", self.shown);
        }
        Ok(())
    }

    /// Runs the command with its standard error shown as it comes and its standard output captured, and fails
    /// unless it exits 0; for cargo's `--message-format=json`, whose diagnostics still go to the terminal.
    pub fn run_capturing_stdout(mut self) -> anyhow::Result<String> {
        println!("    $ {}", self.shown);
        let output = self
            .command
            .stderr(std::process::Stdio::inherit())
            .output()
            .with_context(|| format!("could not start `{}`", self.shown))?;
        if !output.status.success() {
            bail!("`{}` failed ({})", self.shown, output.status);
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Runs the command quietly and reports whether it succeeded; for probes such as `rustup target list`.
    pub fn output(mut self) -> anyhow::Result<String> {
        let output = self
            .command
            .output()
            .with_context(|| format!("could not start `{}`", self.shown))?;
        if !output.status.success() {
            bail!(
                "`{}` failed ({}): {}",
                self.shown,
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}
