use std::process::ExitCode;

use clap::Parser;
use saksgang::cli::{self, Cli};
use saksgang::config::Settings;
use saksgang::i18n::{Catalog, Lang};

fn main() -> ExitCode {
    saksgang::files::protect_process();
    let args = Cli::parse();
    let overrides = args.overrides();
    let settings = match Settings::resolve(&overrides) {
        Ok(settings) => settings,
        Err(error) => {
            let lang = overrides.lang.as_deref().and_then(|l| Lang::parse(l).ok()).unwrap_or_default();
            return fail(&Catalog::new(lang), &error);
        }
    };
    let result = match &args.command {
        Some(command) => {
            // Buffered: a list of 100,000 cases is not 100,000 writes.
            let mut out = cli::Printable::new(std::io::BufWriter::new(std::io::stdout().lock()));
            cli::run(command, &settings, &mut out).and_then(|()| Ok(std::io::Write::flush(&mut out)?))
        }
        None => saksgang::ui::run(&settings),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&Catalog::new(settings.lang), &error),
    }
}

fn fail(catalog: &Catalog, error: &anyhow::Error) -> ExitCode {
    // A reader that stops early (`saksgang list | head`) is not an error.
    if error.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
        return ExitCode::SUCCESS;
    }
    eprintln!("saksgang: {}", saksgang::domain::printable(&saksgang::service::explain(catalog, error)));
    ExitCode::FAILURE
}
