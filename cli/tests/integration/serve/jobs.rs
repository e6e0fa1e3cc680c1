//! Uploads decided later (`Prefer: respond-async`): accepted at once,
//! claimed by whichever server process is free, each decided exactly once.

use super::harness::{Client, Database, Server, json, problem, psql, tar_gz, token, wait_for_job};
use crate::common;

#[test]
fn a_queued_upload_is_decided_and_a_broken_one_fails_with_its_problem() {
    let db = Database::sqlite();
    let server = Server::start(&db);
    let client = Client::new(Some(&token(&db, "procurement", None)));
    let queued = json(
        client.upload_later(&server, tar_gz(&common::example("rejected"))),
        202,
    );
    let job = wait_for_job(&client, &server, queued["job"].as_str().unwrap());
    assert_eq!(job["state"], "done", "{job}");
    let decision = json(
        client.get(&server.url(&format!(
            "/api/v1/decisions/{}",
            job["decision"].as_str().unwrap()
        ))),
        200,
    );
    assert_eq!(decision["verdict"], "reject");
    // What a synchronous upload would refuse, a queued one fails with.
    let queued = json(
        client.upload_later(&server, b"not an archive".to_vec()),
        202,
    );
    let job = wait_for_job(&client, &server, queued["job"].as_str().unwrap());
    assert_eq!(job["state"], "failed", "{job}");
    assert_eq!(job["problem"]["status"], 422, "{job}");
    // Its type is checked before it is queued; an auditor cannot queue.
    let auditor = Client::new(Some(&token(&db, "auditor", None)));
    problem(
        auditor.upload_later(&server, tar_gz(&common::example("approved"))),
        403,
    );
}

#[test]
fn two_servers_on_one_postgres_decide_each_queued_upload_once() {
    let Some(db) = Database::postgres() else {
        return;
    };
    let servers = [Server::start(&db), Server::start(&db)];
    let client = Client::new(Some(&token(&db, "procurement", None)));
    let archive = tar_gz(&common::example("approved"));
    let jobs: Vec<String> = (0..30)
        .map(|i| {
            let queued = json(client.upload_later(&servers[i % 2], archive.clone()), 202);
            queued["job"].as_str().unwrap().to_owned()
        })
        .collect();
    let mut decisions: Vec<String> = jobs
        .iter()
        .map(|job| {
            let done = wait_for_job(&client, &servers[0], job);
            assert_eq!(done["state"], "done", "{done}");
            done["decision"].as_str().unwrap().to_owned()
        })
        .collect();
    decisions.sort();
    decisions.dedup();
    assert_eq!(decisions.len(), 30, "one decision per job");
    assert_eq!(psql(&db.url, "SELECT count(*) FROM decisions"), "30");
    assert_eq!(
        psql(&db.url, "SELECT count(*) FROM jobs WHERE attempts <> 1"),
        "0",
        "no job claimed twice"
    );
}
