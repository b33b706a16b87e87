//! The `hoctap` binary: `serve` runs the server; `criteria check|list`, `score` and
//! `admin invite` are the administrators' commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hoctap_server::auth::AuthConfig;
use hoctap_server::catalog::LocalSet;
use hoctap_server::cli::{self, Report, SetSource};
use hoctap_server::generate;
use hoctap_server::store::{self, SledStore};
use hoctap_server::{app, AppState, Catalog};

#[derive(Parser)]
#[command(name = "hoctap", version, about = "Đánh giá, công nhận và báo cáo các mô hình học tập")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (JSON API under /api/v1, the web app at /).
    Serve {
        /// Where sled keeps its files.
        #[arg(long, env = "HOCTAP_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// Address to listen on.
        #[arg(long, env = "HOCTAP_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// The built web app (scripts/build-frontend.sh writes frontend/dist).
        #[arg(long, env = "HOCTAP_FRONTEND", default_value = "frontend/dist")]
        frontend: PathBuf,
        /// How long a login lasts, in hours.
        #[arg(long, env = "HOCTAP_SESSION_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=720))]
        session_hours: u32,
        /// How long a login lasts on a device the officer keeps ("Ghi nhớ đăng nhập trên
        /// máy này"), in days.
        #[arg(long, env = "HOCTAP_DEVICE_SESSION_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=366))]
        device_session_days: u32,
        /// The address people reach the server at, for invitation links
        /// (e.g. https://hoctap.example.vn); links are relative when empty.
        #[arg(long, env = "HOCTAP_PUBLIC_URL", default_value = "")]
        public_url: String,
        /// An annual report deadline for a level, replacing its default (hamlet=10/11,
        /// commune=15/11, district=20/11, province=15/12); repeat for several levels. A
        /// unit's own plan overrides it.
        #[arg(long = "deadline", value_name = "LEVEL=DD/MM", value_parser = hoctap_server::config::parse_deadline)]
        deadlines: Vec<(hoctap_shared::units::UnitKind, (u8, u8))>,
        /// How many hours ahead of the server's clock a device's operation may be
        /// stamped; later ones (and any before 2000) are refused as `clock_skew`.
        #[arg(long, env = "HOCTAP_MAX_CLOCK_AHEAD_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=720))]
        max_clock_ahead_hours: u32,
        /// The server is behind a reverse proxy (nginx, Caddy) that appends the client's
        /// address to `X-Forwarded-For`: citizens' requests are then rate-limited by
        /// that address instead of the proxy's.
        #[arg(long, env = "HOCTAP_TRUST_PROXY")]
        trust_proxy: bool,
    },
    /// Accounts: invite the first province administrator (or anyone, as a rescue).
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Load the sample data (Xã Cửu An with history from 2021, and a split ward) through
    /// the sync path. Loading twice changes nothing. Run it while the server is stopped.
    Sample {
        #[arg(long, env = "HOCTAP_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Generate a province of data for benchmarks (deterministic for a seed): communes ×
    /// hamlets × households with their people, clans and agencies, evaluated in the
    /// given years, loaded through the sync path. Run it while the server is stopped.
    Generate {
        #[arg(long, env = "HOCTAP_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// Province code (e.g. 38); by default the first province with enough communes.
        #[arg(long)]
        province: Option<String>,
        #[arg(long, default_value_t = 100)]
        communes: usize,
        /// Hamlets per commune.
        #[arg(long, default_value_t = 25)]
        hamlets: usize,
        /// Households per hamlet (four people each on average).
        #[arg(long, default_value_t = 250)]
        households: usize,
        /// Years evaluated, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "2025,2026")]
        years: Vec<i32>,
        /// Share of people aged 15 and over evaluated as Learning Citizens each year.
        #[arg(long, default_value_t = 0.2)]
        citizens: f64,
        /// Share of households evaluated as Learning Families each year.
        #[arg(long, default_value_t = 0.3)]
        families: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write the whole data directory (operation log, accounts, evidence) to a backup
    /// file. Run it while the server is stopped.
    Backup {
        #[arg(long, env = "HOCTAP_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// The backup file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Rebuild an empty data directory from a backup file.
    Restore {
        /// An empty (or new) data directory.
        #[arg(long)]
        data_dir: PathBuf,
        /// The backup file to read.
        #[arg(long)]
        from: PathBuf,
    },
    /// Rebuild everything derived from the operation log (views, indexes, kept figures)
    /// in this build's storage layout, by copying the data directory into a new one as a
    /// backup restored there; the old one is kept beside it. Run it while the server is
    /// stopped.
    Reindex {
        #[arg(long, env = "HOCTAP_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Criteria sets: check a file, or list the shipped ones.
    Criteria {
        #[command(subcommand)]
        command: CriteriaCommand,
    },
    /// Score an evaluation (JSON; "-" reads standard input) and print the outcome as JSON.
    Score {
        /// Id of a shipped set.
        #[arg(long, conflicts_with = "file", required_unless_present = "file")]
        set: Option<String>,
        /// A criteria file of your own.
        #[arg(long)]
        file: Option<PathBuf>,
        evaluation: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Write a one-time invitation into the data directory and print its link. Run it
    /// while the server is stopped (sled lets one process open the directory).
    Invite {
        #[arg(long, env = "HOCTAP_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// The unit the account will act on, e.g. province:01:2025.
        #[arg(long)]
        unit: String,
        /// collaborator, commune_officer, commune_approver, province_admin or viewer.
        #[arg(long, default_value = "province_admin")]
        role: String,
        /// The invitee's name as people know it.
        #[arg(long, default_value = "Quản trị tỉnh")]
        display_name: String,
        /// The address the server is reached at, for the link.
        #[arg(long, env = "HOCTAP_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        base_url: String,
        /// How long the link works, in hours (at most 720).
        #[arg(long, default_value_t = 72)]
        valid_hours: u32,
    },
}

#[derive(Subcommand)]
enum CriteriaCommand {
    /// Print every diagnostic of criteria files; exit 1 if any has errors.
    Check { files: Vec<PathBuf> },
    /// List the shipped sets.
    List,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    match args.command {
        Command::Serve {
            data_dir,
            bind,
            frontend,
            session_hours,
            device_session_days,
            public_url,
            deadlines,
            max_clock_ahead_hours,
            trust_proxy,
        } => {
            let auth = AuthConfig {
                session_ttl_ms: i64::from(session_hours) * 60 * 60 * 1000,
                device_session_ttl_ms: i64::from(device_session_days) * 24 * 60 * 60 * 1000,
                public_url,
                ..AuthConfig::default()
            };
            let config = hoctap_server::config::Config {
                deadlines: deadlines.into_iter().collect(),
                max_clock_ahead_ms: i64::from(max_clock_ahead_hours) * 60 * 60 * 1000,
                trust_proxy,
                ..Default::default()
            };
            serve(data_dir, bind, frontend, auth, config)
        }
        Command::Admin {
            command: AdminCommand::Invite { data_dir, unit, role, display_name, base_url, valid_hours },
        } => {
            let sled = SledStore::open(&data_dir).with_context(|| {
                format!(
                    "không mở được kho dữ liệu {} (máy chủ có đang chạy không? hãy dừng nó trước)",
                    data_dir.display()
                )
            })?;
            store::check_schema(&sled)?;
            let store: Arc<SledStore> = Arc::new(sled);
            let mut state = AppState::new(store.clone(), Arc::new(Catalog::load_shipped()?));
            state.auth.public_url = base_url;
            let report = cli::admin_invite(&state, &cli::AdminInvite { role, unit, display_name, valid_hours });
            store::Store::flush(store.as_ref())?;
            exit_with(report)
        }
        Command::Sample { data_dir } => {
            let state = open_state(&data_dir)?;
            let ops = hoctap_server::sample::operations(&state.catalog);
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let loaded = runtime
                .block_on(generate::load(&state, &ops))
                .map_err(|e| anyhow::anyhow!("dữ liệu mẫu: {}", e.messages().0))?;
            println!("Đã nạp dữ liệu mẫu: {} thao tác mới, {} đã có từ trước.", loaded.accepted, loaded.duplicates);
            Ok(())
        }
        Command::Generate { data_dir, province, communes, hamlets, households, years, citizens, families, seed } => {
            let size = generate::Size { province, communes, hamlets, households, years, citizens, families, seed };
            if !(0.0..=1.0).contains(&size.citizens) || !(0.0..=1.0).contains(&size.families) {
                anyhow::bail!("--citizens và --families là tỉ lệ từ 0 đến 1");
            }
            let state = open_state(&data_dir)?;
            let (province, list) = generate::communes(&state.catalog, &size).map_err(anyhow::Error::msg)?;
            eprintln!("Sinh dữ liệu cho {} xã, phường của {}", list.len(), province.full_name());
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let started = std::time::Instant::now();
            let mut total = generate::Loaded::default();
            for (i, commune) in list.iter().enumerate() {
                let ops = generate::commune_ops(&state.catalog, &size, commune, i).map_err(anyhow::Error::msg)?;
                let loaded = runtime
                    .block_on(generate::load(&state, &ops))
                    .map_err(|e| anyhow::anyhow!("{}: {}", commune.full_name(), e.messages().0))?;
                total.accepted += loaded.accepted;
                total.duplicates += loaded.duplicates;
                let elapsed = started.elapsed().as_secs_f64();
                let left = elapsed / (i + 1) as f64 * (list.len() - i - 1) as f64;
                eprintln!(
                    "  {}/{} {}: {} thao tác; tổng {} thao tác, {:.0} thao tác/giây, còn khoảng {:.0} giây",
                    i + 1,
                    list.len(),
                    commune.full_name(),
                    ops.len(),
                    total.accepted + total.duplicates,
                    (total.accepted + total.duplicates) as f64 / elapsed.max(0.001),
                    left
                );
            }
            println!(
                "Đã sinh dữ liệu: {} thao tác mới, {} đã có từ trước, trong {:.1} giây.",
                total.accepted,
                total.duplicates,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Backup { data_dir, out } => {
            let state = open_state(&data_dir)?;
            let temporary = out.with_extension("partial");
            let file =
                std::fs::File::create(&temporary).with_context(|| format!("không tạo được {}", temporary.display()))?;
            let mut writer = std::io::BufWriter::new(file);
            let summary = hoctap_server::backup::write_backup(&state, &mut writer)
                .map_err(|e| anyhow::anyhow!(e.messages().0))?;
            drop(writer);
            std::fs::rename(&temporary, &out).with_context(|| format!("không ghi được {}", out.display()))?;
            println!("Đã sao lưu {} thao tác và {} mục dữ liệu vào {}", summary.ops, summary.entries, out.display());
            Ok(())
        }
        Command::Restore { data_dir, from } => {
            let file = std::fs::File::open(&from).with_context(|| format!("không đọc được {}", from.display()))?;
            let state = open_state(&data_dir)?;
            let runtime = tokio::runtime::Runtime::new()?;
            let mut reader = std::io::BufReader::new(file);
            match runtime.block_on(hoctap_server::backup::restore(&state, &mut reader)) {
                Ok(summary) => {
                    println!(
                        "Đã khôi phục {} thao tác và {} mục dữ liệu vào {}",
                        summary.ops,
                        summary.entries,
                        data_dir.display()
                    );
                    Ok(())
                }
                Err(err) => {
                    eprintln!("{}", err.messages().0);
                    std::process::exit(1)
                }
            }
        }
        Command::Reindex { data_dir } => reindex(&data_dir),
        Command::Criteria { command: CriteriaCommand::List } => exit_with(cli::criteria_list()),
        Command::Criteria { command: CriteriaCommand::Check { files } } => {
            if files.is_empty() {
                anyhow::bail!("cần ít nhất một tệp bộ tiêu chí");
            }
            let mut code = 0;
            for file in files {
                let text =
                    std::fs::read_to_string(&file).with_context(|| format!("không đọc được {}", file.display()))?;
                let report = cli::criteria_check(&file.display().to_string(), &text);
                print!("{}", report.stdout);
                code = code.max(report.code);
            }
            std::process::exit(code)
        }
        Command::Score { set, file, evaluation } => {
            let source = match (set, file) {
                (Some(id), _) => SetSource::Shipped(id),
                (None, Some(path)) => SetSource::File {
                    name: path.display().to_string(),
                    text: std::fs::read_to_string(&path)
                        .with_context(|| format!("không đọc được {}", path.display()))?,
                },
                (None, None) => anyhow::bail!("cần --set hoặc --file"),
            };
            // Streamed, never read whole: the scorer keeps a bounded part of any file.
            let report = if evaluation.as_os_str() == "-" {
                cli::score_from(&source, std::io::stdin().lock())
            } else {
                let file = std::fs::File::open(&evaluation)
                    .with_context(|| format!("không đọc được {}", evaluation.display()))?;
                cli::score_from(&source, file)
            };
            exit_with(report)
        }
    }
}

/// The state over a data directory opened by a command (not the server).
fn open_state(data_dir: &std::path::Path) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(data_dir).with_context(|| format!("không tạo được thư mục {}", data_dir.display()))?;
    let sled = SledStore::open(data_dir).with_context(|| {
        format!("không mở được kho dữ liệu {} (máy chủ có đang chạy không? hãy dừng nó trước)", data_dir.display())
    })?;
    store::check_schema(&sled)?;
    let state = AppState::new(Arc::new(sled), Arc::new(Catalog::load_shipped()?));
    hoctap_server::figures::ensure_index(&state)?;
    hoctap_server::evidence::ensure_index(&state)?;
    hoctap_server::auth::ensure_index(&state)?;
    Ok(state)
}

/// `hoctap reindex`: the data directory copied into `<dir>.reindex` as a backup restored
/// there, checked complete, then swapped in; the old one stays as `<dir>.before-reindex`.
fn reindex(data_dir: &std::path::Path) -> anyhow::Result<()> {
    if !data_dir.join("conf").is_file() {
        anyhow::bail!("{} không phải thư mục dữ liệu của hoctap", data_dir.display());
    }
    // `.` has no name to put a sibling beside.
    let data_dir = &data_dir.canonicalize().with_context(|| format!("không đọc được {}", data_dir.display()))?;
    let sibling = |suffix: &str| {
        let mut name = data_dir.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        data_dir.with_file_name(name)
    };
    let (fresh, kept) = (sibling(".reindex"), sibling(".before-reindex"));
    if kept.exists() {
        anyhow::bail!("{} đã có (lần dựng lại trước): hãy xoá hoặc chuyển nó đi trước", kept.display());
    }
    if fresh.exists() {
        // What a run stopped halfway left behind.
        std::fs::remove_dir_all(&fresh).with_context(|| format!("không xoá được {}", fresh.display()))?;
    }
    let (read, written) = {
        let old = open_state(data_dir)?;
        let new = open_state(&fresh)?;
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(hoctap_server::backup::copy(&old, &new)).map_err(|e| anyhow::anyhow!(e.messages().0))?
    };
    if (read.ops, read.entries) != (written.ops, written.entries) {
        anyhow::bail!(
            "dựng lại không đủ: đọc {} thao tác và {} mục, ghi {} và {}; thư mục cũ giữ nguyên",
            read.ops,
            read.entries,
            written.ops,
            written.entries
        );
    }
    // The swap: if the second rename fails, the first is undone, so the data directory
    // is never missing.
    std::fs::rename(data_dir, &kept).with_context(|| format!("không đổi tên được {}", data_dir.display()))?;
    if let Err(error) = std::fs::rename(&fresh, data_dir) {
        std::fs::rename(&kept, data_dir).with_context(|| format!("không trả lại được {}", kept.display()))?;
        return Err(error).with_context(|| format!("không đổi tên được {}; thư mục cũ giữ nguyên", fresh.display()));
    }
    // Administrators' own criteria sets live beside the store: copied, so the kept
    // directory stays whole.
    copy_dir(&kept.join("criteria"), &data_dir.join("criteria")).context("không chép được thư mục criteria")?;
    println!(
        "Đã dựng lại {} thao tác và {} mục dữ liệu trong {}; bản cũ ở {} (xoá khi đã kiểm tra; nó đã mang số \
         lược đồ mới: để quay về bản hoctap trước, hãy khôi phục từ tệp sao lưu)",
        written.ops,
        written.entries,
        data_dir.display(),
        kept.display()
    );
    Ok(())
}

/// Copies the files of `from` (if it exists) into `to`, recursively.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    if !from.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn exit_with(report: Report) -> anyhow::Result<()> {
    print!("{}", report.stdout);
    eprint!("{}", report.stderr);
    std::process::exit(report.code)
}

#[tokio::main]
async fn serve(
    data_dir: PathBuf,
    bind: SocketAddr,
    frontend: PathBuf,
    auth: AuthConfig,
    config: hoctap_server::config::Config,
) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "hoctap=info,hoctap_server=info,tower_http=info".into()),
        )
        .init();
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("không tạo được thư mục dữ liệu {}", data_dir.display()))?;
    let sled =
        SledStore::open(&data_dir).with_context(|| format!("không mở được kho dữ liệu {}", data_dir.display()))?;
    let schema = store::check_schema(&sled)?;
    let mut catalog = Catalog::load_shipped()?;
    load_local_sets(&mut catalog, &data_dir.join("criteria"))?;
    for warning in &catalog.warnings {
        tracing::warn!("{warning}");
    }
    tracing::info!(
        data_dir = %data_dir.display(),
        schema,
        criteria_sets = hoctap_shared::criteria::newest(&catalog.criteria).count(),
        plans = catalog.plans.len(),
        units = catalog.units.units.len(),
        "loaded"
    );
    let frontend = if frontend.join("index.html").is_file() {
        tracing::info!(dir = %frontend.display(), "serving the web app");
        Some(frontend)
    } else {
        tracing::warn!(dir = %frontend.display(), "no built web app there (run scripts/build-frontend.sh); serving the API only");
        None
    };
    let store: Arc<SledStore> = Arc::new(sled);
    if !hoctap_server::auth::has_accounts(store.as_ref())? {
        tracing::warn!(
            "Chưa có tài khoản nào, và không có mật khẩu mặc định. Để tạo quản trị tỉnh đầu tiên: dừng máy chủ, chạy \
             `hoctap admin invite --data-dir {} --unit province:<mã tỉnh>:2025`, chạy lại máy chủ rồi mở liên kết in ra \
             (no account yet: stop the server and run `hoctap admin invite` to invite the first administrator)",
            data_dir.display()
        );
    }
    let mut state = AppState::new(store.clone(), Arc::new(catalog));
    state.auth = auth;
    state.config = Arc::new(config);
    let indexed = hoctap_server::figures::ensure_index(&state)?;
    if indexed > 0 {
        tracing::info!(records = indexed, "records of an older data directory indexed by commune");
    }
    let attachments = hoctap_server::evidence::ensure_index(&state)?;
    if attachments > 0 {
        tracing::info!(attachments, "evidence of an older data directory indexed by record");
    }
    let invitations = hoctap_server::auth::ensure_index(&state)?;
    if invitations > 0 {
        tracing::info!(invitations, "invitations of an older data directory indexed by unit");
    }
    // Figures are counted in the background once pushes pause, so requests find them.
    hoctap_server::figures::spawn_counter(state.clone(), std::time::Duration::from_secs(2))?;
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("không mở được cổng {bind}"))?;
    let local = listener.local_addr()?;
    tracing::info!("hoctap đang chạy tại http://{local}/");
    axum::serve(
        listener,
        app(state, Some(frontend).flatten()).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopping: flushing the data directory");
    store::Store::flush(store.as_ref())?;
    Ok(())
}

/// Loads the administrator's own criteria sets from `<data-dir>/criteria/*.toml`.
fn load_local_sets(catalog: &mut Catalog, dir: &std::path::Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).with_context(|| format!("không đọc được {}", path.display()))?;
            files.push((path.display().to_string(), text));
        }
    }
    for outcome in catalog.add_local_sets(&files) {
        match outcome {
            LocalSet::Loaded { file, id, version, replaces } => {
                tracing::info!(%file, %id, %version, replaces_shipped = replaces, "loaded a local criteria set")
            }
            LocalSet::Refused { file, diagnostics } => {
                for diagnostic in &diagnostics {
                    tracing::error!(%file, "{diagnostic}");
                }
                tracing::error!(%file, "criteria set refused: fix the errors above and restart (hoctap criteria check)");
            }
        }
    }
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
