//! Who is acting. Every use case takes an actor and asks here whether it may act on the
//! target; this is the one place access is decided.

use crate::OpsError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The operator at the server's command line, with full rights over the deployment.
    Operator { name: String },
}

impl Actor {
    /// The command-line operator, named after the OS user so audit entries say who.
    pub fn operator() -> Actor {
        let name = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        Actor::Operator {
            name: format!("cli:{name}"),
        }
    }

    /// The name written into audit entries.
    pub fn audit_name(&self) -> &str {
        match self {
            Actor::Operator { name } => name,
        }
    }

    /// May this actor write within the org subtree at `path`?
    pub fn may_write(&self, _path: &str) -> Result<(), OpsError> {
        match self {
            Actor::Operator { .. } => Ok(()),
        }
    }

    /// May this actor read within the org subtree at `path`?
    pub fn may_read(&self, _path: &str) -> Result<(), OpsError> {
        match self {
            Actor::Operator { .. } => Ok(()),
        }
    }

    /// May this actor see whole ID numbers and phones?
    pub fn may_reveal(&self) -> bool {
        match self {
            Actor::Operator { .. } => true,
        }
    }
}
