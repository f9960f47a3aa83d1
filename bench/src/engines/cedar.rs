//! cedar-policy 4.x: the rule as a `permit` policy, the input as a schema-typed request context.

use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request, Schema,
    ValidationMode, Validator,
};

use crate::engine::{Engine, EngineError};
use crate::rule::{CEDAR_POLICY, CEDAR_SCHEMA};

const NAME: &str = "cedar-policy";

/// Parsed schema plus the request's fixed principal, action and resource.
pub struct CedarSchema {
    schema: Schema,
    principal: EntityUid,
    action: EntityUid,
    resource: EntityUid,
}

pub struct Cedar {
    schema: Schema,
    policies: PolicySet,
    authorizer: Authorizer,
    entities: Entities,
    principal: EntityUid,
    action: EntityUid,
    resource: EntityUid,
}

fn parse_uid(text: &str) -> Result<EntityUid, EngineError> {
    EntityUid::from_str(text).map_err(|error| EngineError::new(NAME, "entity uid", error))
}

/// Parses the policy text alone (the first half of Cedar's parse + compile).
pub fn parse_policies() -> Result<PolicySet, EngineError> {
    PolicySet::from_str(CEDAR_POLICY).map_err(|error| EngineError::new(NAME, "parse", error))
}

/// Validates parsed policies against the schema in strict mode (the second half).
pub fn validate(schema: &CedarSchema, policies: &PolicySet) -> Result<(), EngineError> {
    let result = Validator::new(schema.schema.clone()).validate(policies, ValidationMode::Strict);
    if result.validation_passed() {
        Ok(())
    } else {
        Err(EngineError::new(NAME, "validate", result))
    }
}

impl Engine for Cedar {
    const NAME: &'static str = NAME;
    type Schema = CedarSchema;
    type Loaded = Request;

    fn schema() -> Result<CedarSchema, EngineError> {
        let (schema, _warnings) = Schema::from_cedarschema_str(CEDAR_SCHEMA)
            .map_err(|error| EngineError::new(NAME, "schema", error))?;
        Ok(CedarSchema {
            schema,
            principal: parse_uid(r#"Actor::"release-manager""#)?,
            action: parse_uid(r#"Action::"transition""#)?,
            resource: parse_uid(r#"Issue::"PAY-1""#)?,
        })
    }

    fn compile(schema: &CedarSchema) -> Result<Cedar, EngineError> {
        let policies = parse_policies()?;
        validate(schema, &policies)?;
        Ok(Cedar {
            schema: schema.schema.clone(),
            policies,
            authorizer: Authorizer::new(),
            entities: Entities::empty(),
            principal: schema.principal.clone(),
            action: schema.action.clone(),
            resource: schema.resource.clone(),
        })
    }

    fn load(&self, json: &str) -> Result<Request, EngineError> {
        let context = Context::from_json_str(json, Some((&self.schema, &self.action)))
            .map_err(|error| EngineError::new(NAME, "context", error))?;
        Request::new(
            self.principal.clone(),
            self.action.clone(),
            self.resource.clone(),
            context,
            Some(&self.schema),
        )
        .map_err(|error| EngineError::new(NAME, "request", error))
    }

    fn eval(&mut self, input: &Request) -> Result<bool, EngineError> {
        let response = self.authorizer.is_authorized(input, &self.policies, &self.entities);
        if let Some(error) = response.diagnostics().errors().next() {
            return Err(EngineError::new(NAME, "evaluate", error));
        }
        Ok(response.decision() == Decision::Allow)
    }
}
