//! `copylint test-rules [PATH]...`.

use std::path::PathBuf;

use copylint::rules::Origin;
use copylint::rules::examples::check_examples;

use copylint::render::plural;

use super::{Status, setup};
use crate::cli::{GlobalArgs, TestRulesArgs};

fn canonical(p: &std::path::Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

pub fn run(global: &GlobalArgs, args: &TestRulesArgs) -> anyhow::Result<Status> {
    let Some(setup) = setup(global, &args.paths)? else {
        return Ok(Status::Error);
    };
    // A rule is tested when its file is one of the paths or lies below one,
    // however the path is spelled.
    let targets: Vec<PathBuf> = args.paths.iter().map(|p| canonical(p)).collect();
    let report = check_examples(&setup.library, &setup.rules, |rule| {
        targets.is_empty()
            || match &rule.origin {
                Origin::File(p) => {
                    let file = canonical(p);
                    targets.iter().any(|t| file.starts_with(t))
                }
                _ => false,
            }
    });
    for f in &report.failures {
        println!("{f}");
    }
    let failed = report.failures.len();
    if !report.untested.is_empty() {
        println!(
            "{} no examples, so no test: {}",
            match report.untested.len() {
                1 => "1 rule has".to_string(),
                n => format!("{n} rules have"),
            },
            report.untested.join(", ")
        );
    }
    println!(
        "Tested {} of {}: {}.",
        plural(report.examples, "example"),
        plural(report.rules, "rule"),
        if failed == 0 {
            "all passed".to_string()
        } else {
            format!("{failed} failed")
        }
    );
    Ok(if failed == 0 {
        Status::Clean
    } else {
        Status::Failed
    })
}
