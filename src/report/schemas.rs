//! The JSON Schema of every JSON report, derived from the report types and
//! kept in `docs/schemas/`. A test regenerates them and fails when the
//! files differ (`INFRAPLAN_UPDATE_SCHEMAS=1` rewrites them); the
//! integration tests validate every command's JSON against them.

#[cfg(test)]
mod tests {
    use std::path::Path;

    use schemars::JsonSchema;

    use crate::report::REPORT_SCHEMA_VERSION;

    use crate::report::audit::AuditReport;
    use crate::report::checklist::ChecklistReport;
    use crate::report::compare::CompareReport;
    use crate::report::diff::DiffReport;
    use crate::report::listing::{PricesListing, StagesListing};
    use crate::report::plan::PlanReport;
    use crate::report::roadmap::RoadmapReport;
    use crate::report::simulation::SimulationReport;
    use crate::terraform::report::GenerateReport;

    /// Closes every object with named properties: a key the schema does
    /// not name is an error, so an undocumented field cannot slip out.
    /// (`unevaluatedProperties` rather than `additionalProperties`, which
    /// would refuse the keys a flattened part brings.)
    fn close(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(object) => {
                if object.contains_key("properties") && !object.contains_key("additionalProperties")
                {
                    object.insert("unevaluatedProperties".to_owned(), false.into());
                }
                object.values_mut().for_each(close);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(close),
            _ => {}
        }
    }

    fn schema<T: JsonSchema>(title: &str) -> String {
        // The schema of what infraplan writes, not of what it would read.
        let mut schema = schemars::generate::SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator()
            .into_root_schema_for::<T>();
        schema.insert("title".to_owned(), title.into());
        let mut schema = serde_json::to_value(&schema).expect("a schema is JSON");
        close(&mut schema);
        // Every report carries the one version its shape has.
        schema["properties"]["schema_version"]["const"] = REPORT_SCHEMA_VERSION.into();
        let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
        text.push('\n');
        text
    }

    /// Each report's schema file and its text.
    fn schemas() -> Vec<(&'static str, String)> {
        vec![
            ("plan", schema::<PlanReport>("infraplan plan --format json")),
            (
                "stages",
                schema::<StagesListing<'_>>("infraplan stages --format json"),
            ),
            (
                "prices",
                schema::<PricesListing<'_>>("infraplan prices --format json"),
            ),
            (
                "generate",
                schema::<GenerateReport>("infraplan generate --format json"),
            ),
            (
                "compare",
                schema::<CompareReport>("infraplan compare --format json"),
            ),
            (
                "roadmap",
                schema::<RoadmapReport>("infraplan roadmap --format json"),
            ),
            (
                "roadmap-paths",
                schema::<SimulationReport>("infraplan roadmap --paths N --format json"),
            ),
            ("diff", schema::<DiffReport>("infraplan diff --format json")),
            (
                "audit",
                schema::<AuditReport>("infraplan audit FILE --format json"),
            ),
            (
                "checklist",
                schema::<ChecklistReport>("infraplan checklist --format json"),
            ),
        ]
    }

    #[test]
    fn the_published_schemas_are_the_types() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schemas");
        let update = std::env::var_os("INFRAPLAN_UPDATE_SCHEMAS").is_some();
        for (name, text) in schemas() {
            let path = dir.join(format!("{name}.schema.json"));
            if update {
                std::fs::create_dir_all(&dir).expect("docs/schemas is creatable");
                std::fs::write(&path, &text).expect("the schema is written");
            }
            let published = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                published == text,
                "docs/schemas/{name}.schema.json is stale: run INFRAPLAN_UPDATE_SCHEMAS=1 cargo test --lib the_published_schemas and review the diff"
            );
        }
    }
}
