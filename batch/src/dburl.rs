//! The parts of a database URL the upkeep commands need (`mysql://user:pass@host:port/db`), and
//! the URL with its password hidden for messages.

/// A MariaDB URL, decoded.
#[derive(Debug, PartialEq, Eq)]
pub struct DbUrl {
    /// User name.
    pub user: String,
    /// Password (empty when none).
    pub password: String,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Database name (empty: every database).
    pub database: String,
}

fn split(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    Some((scheme, authority, path))
}

/// Parses `mysql://user:pass@host:port/db?options`.
pub fn parse(url: &str) -> Option<DbUrl> {
    let (_, authority, path) = split(url)?;
    let (credentials, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
    let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (hostport, 3306),
    };
    let database = path.split('?').next().unwrap_or_default();
    Some(DbUrl {
        user: decode(user),
        password: decode(password),
        host: if host.is_empty() { "127.0.0.1".into() } else { host.into() },
        port,
        database: decode(database),
    })
}

/// The URL with `***` in place of its password.
pub fn redact(url: &str) -> String {
    let Some((scheme, authority, path)) = split(url) else { return url.to_owned() };
    let Some((credentials, hostport)) = authority.rsplit_once('@') else { return url.to_owned() };
    let Some((user, _)) = credentials.split_once(':') else { return url.to_owned() };
    format!("{scheme}://{user}:***@{hostport}/{path}")
}

/// Percent-decoding (`%40` → `@`); malformed escapes stay as they are.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_redacts() {
        let u = parse("mysql://app:p%40ss@db.example:3307/proctorwise?ssl-mode=required").expect("url");
        assert_eq!(
            u,
            DbUrl {
                user: "app".into(),
                password: "p@ss".into(),
                host: "db.example".into(),
                port: 3307,
                database: "proctorwise".into()
            }
        );
        assert_eq!(parse("mysql://root@127.0.0.1").map(|u| (u.port, u.database)), Some((3306, String::new())));
        assert_eq!(redact("mysql://u:secret@127.0.0.1:1/pw"), "mysql://u:***@127.0.0.1:1/pw");
        assert_eq!(redact("sqlite://./data/x.db?mode=rw"), "sqlite://./data/x.db?mode=rw");
    }
}
