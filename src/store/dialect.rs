//! Where SQLite and PostgreSQL differ: which backend a URL or connection is, the few SQL fragments
//! each writes its own way, booleans read from either, and one-line connection errors.

use super::Conn;
use sqlx::{Any, Database, Decode, Type};

/// The two stores Linkyard runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: one process, a file in WAL mode.
    Sqlite,
    /// The shared store for several replicas.
    Postgres,
}

impl Backend {
    /// The backend a database URL names, if any.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// The backend of an open connection.
    pub fn of(c: &Conn) -> Backend {
        if c.backend_name().eq_ignore_ascii_case("postgresql") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The statement yielding each element of the JSON array of strings bound at `$n`, as a
    /// column `value` (for `x IN (…)` with a list of any length in one parameter).
    pub fn json_values(self, n: u8) -> String {
        match self {
            Backend::Sqlite => format!("SELECT value FROM json_each(${n})"),
            Backend::Postgres => {
                format!(
                    "SELECT value FROM json_array_elements_text(CAST(${n} AS json)) AS j(value)"
                )
            }
        }
    }

    /// The case-insensitive pattern operator (SQLite's `LIKE` ignores ASCII case already).
    pub fn ilike(self) -> &'static str {
        match self {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        }
    }

    /// `expr` (an integer) as text, left-padded with zeros to ten digits (sorts like the number).
    pub fn zero_pad10(self, expr: &str) -> String {
        match self {
            Backend::Sqlite => format!("printf('%010d', {expr})"),
            Backend::Postgres => format!("LPAD(CAST({expr} AS TEXT), 10, '0')"),
        }
    }

    /// `expr` (unix milliseconds) as the API's UTC timestamp text, `2021-09-24T18:00:07Z`.
    pub fn iso_ms(self, expr: &str) -> String {
        match self {
            Backend::Sqlite => {
                format!("strftime('%Y-%m-%dT%H:%M:%SZ', {expr} / 1000, 'unixepoch')")
            }
            Backend::Postgres => format!(
                "to_char(to_timestamp({expr} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
            ),
        }
    }

    /// Whether `needle` occurs in `haystack` (both SQL expressions), case-sensitively.
    pub fn contains(self, haystack: &str, needle: &str) -> String {
        match self {
            Backend::Sqlite => format!("instr({haystack}, {needle}) > 0"),
            Backend::Postgres => format!("strpos({haystack}, {needle}) > 0"),
        }
    }
}

/// A boolean column read from either store: PostgreSQL has `BOOLEAN`, SQLite stores 0/1 integers
/// (which the `Any` driver will not read as `bool` by itself). Rows take it with
/// `#[sqlx(try_from = "Flag")]`; scalars with `query_scalar::<_, Flag>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

impl Type<Any> for Flag {
    fn type_info() -> <Any as Database>::TypeInfo {
        <bool as Type<Any>>::type_info()
    }

    fn compatible(ty: &<Any as Database>::TypeInfo) -> bool {
        ty.kind().is_integer() || <bool as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        if sqlx::ValueRef::type_info(&value).kind().is_integer() {
            Ok(Flag(<i64 as Decode<Any>>::decode(value)? != 0))
        } else {
            Ok(Flag(<bool as Decode<Any>>::decode(value)?))
        }
    }
}

/// `url` with its password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let Some(at) = rest.find('@') else {
        return url.to_string();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

/// A SQLite URL that creates the file when it is missing (`mode=rwc`), as the server expects.
pub fn sqlite_url_creating(url: &str) -> String {
    if url.contains(":memory:") || url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// One line that says what is wrong with a PostgreSQL connection and what to check.
pub fn explain_postgres_error(shown_url: &str, e: &sqlx::Error) -> String {
    if let sqlx::Error::Database(d) = e {
        match d.code().as_deref() {
            Some("28P01") | Some("28000") => {
                return format!(
                    "PostgreSQL at `{shown_url}` refused the credentials: {} (check the user and password in --database-url)",
                    d.message()
                );
            }
            Some("3D000") => {
                return format!(
                    "PostgreSQL at `{shown_url}` has no such database: {} (create it first: createdb NAME)",
                    d.message()
                );
            }
            _ => {}
        }
    }
    match e {
        sqlx::Error::Io(io) => format!(
            "cannot reach PostgreSQL at `{shown_url}`: {io} (is the server running and the host/port right?)"
        ),
        sqlx::Error::PoolTimedOut => format!(
            "cannot reach PostgreSQL at `{shown_url}`: no connection within 10 s (is the server running and the host/port right?)"
        ),
        e => format!("cannot open PostgreSQL database `{shown_url}`: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://ly:s3cret@db:5432/ly"),
            "postgres://ly:***@db:5432/ly"
        );
        assert_eq!(redact("postgres://ly@db/ly"), "postgres://ly@db/ly");
        assert_eq!(redact("sqlite://linkyard.db"), "sqlite://linkyard.db");
    }

    #[test]
    fn backends_follow_the_url_scheme() {
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgresql://h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://h/db"), None);
    }

    #[test]
    fn sqlite_files_are_created_when_missing() {
        assert_eq!(
            sqlite_url_creating("sqlite://a.db"),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(sqlite_url_creating("sqlite::memory:"), "sqlite::memory:");
    }
}
