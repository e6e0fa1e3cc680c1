//! Whether a host is this machine: plain HTTP and plain SMTP with a
//! password are allowed only to it.

/// Whether `host` (a name, an IPv4 address, or an IPv6 address with or
/// without brackets) is this machine.
pub(crate) fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
