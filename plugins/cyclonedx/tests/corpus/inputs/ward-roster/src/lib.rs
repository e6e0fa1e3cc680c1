pub fn f() -> serde_json::Value { serde_json::Value::Null }
