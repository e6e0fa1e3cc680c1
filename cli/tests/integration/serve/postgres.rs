//! The same service on PostgreSQL, and several processes sharing one
//! database: no decision lost or duplicated, one unbroken log.

use super::harness::{Client, Database, Server, json, psql, tar_gz, token};
use crate::common;

#[test]
fn postgres_portfolio_decides_the_examples_as_the_cli_does() {
    let Some(db) = Database::postgres() else {
        return;
    };
    super::portfolio::round_trip(&db);
}

#[test]
fn two_servers_on_one_postgres_take_100_concurrent_uploads() {
    let Some(db) = Database::postgres() else {
        return;
    };
    let servers = [Server::start(&db), Server::start(&db)];
    let token = token(&db, "procurement", None);
    let archive = tar_gz(&common::example("approved"));
    let ids = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for worker in 0..10 {
            let (servers, token, archive, ids) = (&servers, &token, &archive, &ids);
            scope.spawn(move || {
                let client = Client::new(Some(token));
                for i in 0..10 {
                    let server = &servers[(worker + i) % 2];
                    let body = json(client.upload(server, archive.clone()), 201);
                    ids.lock().unwrap().push((
                        body["id"].as_str().unwrap().to_owned(),
                        body["log_index"].as_u64().unwrap(),
                    ));
                }
            });
        }
    });
    let mut ids = ids.into_inner().unwrap();
    assert_eq!(ids.len(), 100);
    ids.sort_by_key(|(_, index)| *index);
    let mut distinct: Vec<_> = ids.iter().map(|(id, _)| id.clone()).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 100, "no decision id twice");
    // The log has no gap and no index twice: entries 0..k are the bundle
    // and reference data logged at start, then the 100 decisions.
    let indexes: Vec<u64> = ids.iter().map(|(_, i)| *i).collect();
    let first = indexes[0];
    assert_eq!(indexes, (first..first + 100).collect::<Vec<_>>());
    let stored = psql(&db.url, "SELECT count(*) FROM decisions");
    assert_eq!(stored, "100");
    let size = psql(&db.url, "SELECT size FROM log_head");
    assert_eq!(size.parse::<u64>().unwrap(), first + 100);
    // Both servers serve every decision, and the history holds all 100.
    let client = Client::new(Some(&token));
    for (id, _) in ids.iter().step_by(17) {
        for server in &servers {
            json(
                client.get(&server.url(&format!("/api/v1/decisions/{id}"))),
                200,
            );
        }
    }
    let products = json(client.get(&servers[1].url("/api/v1/products")), 200);
    let product = products[0]["product_id"].as_str().unwrap();
    let history = json(
        client.get(&servers[0].url(&format!("/api/v1/products/{product}"))),
        200,
    );
    assert_eq!(history["decisions"].as_array().unwrap().len(), 100);
}
