//! `copylint test-rules [PATH]...`.

use copylint::rules::examples::check_examples;

use super::{Status, setup};
use crate::cli::{GlobalArgs, TestRulesArgs};

pub fn run(global: &GlobalArgs, args: &TestRulesArgs) -> anyhow::Result<Status> {
    let Some(setup) = setup(global, &args.paths)? else {
        return Ok(Status::Error);
    };
    let targets: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let report = check_examples(&setup.library, &setup.rules, |rule| {
        targets.is_empty() || {
            let source = rule.origin.to_string();
            targets.iter().any(|t| {
                source == *t || source.starts_with(&format!("{}/", t.trim_end_matches('/')))
            })
        }
    });
    for f in &report.failures {
        println!("{f}");
    }
    let failed = report.failures.len();
    println!(
        "Tested {} examples of {} rules: {}.",
        report.examples,
        report.rules,
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
