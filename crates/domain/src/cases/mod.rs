//! The case loop (诉求/事件 → 案卷): intake, register, dispatch, handle, verify, close and
//! follow up, with the side paths of digital city management — return, extension, supervision,
//! rework, suspension, invalid and duplicate. Every move is checked here; the store records it.

mod classification;
mod deadline;
mod escalation;
mod machine;
pub mod patrol;
mod photos;

pub use classification::{CategoryDef, Classification, LimitDef};

pub use deadline::{Calendar, Limit, LimitUnit, Warning, deadline, warning};
pub use escalation::Escalation;
pub use machine::{Action, State, next};
pub use photos::{MAX_PER_STEP, PhotoStage};

labelled_enum! {
    /// A recorded step of a case: its intake (受理), then each move by its code.
    StepAction, "action" {
        Intake = "intake", "受理";
        Register = "register", "立案";
        Dispatch = "dispatch", "派遣";
        Accept = "accept", "响应";
        Report = "report", "报到";
        Return = "return", "回退";
        RequestExtension = "request_extension", "申请延期";
        ApproveExtension = "approve_extension", "批准延期";
        RejectExtension = "reject_extension", "驳回延期";
        Supervise = "supervise", "督办";
        Feedback = "feedback", "处置反馈";
        Verify = "verify", "核查通过";
        Rework = "rework", "返工";
        FollowUp = "follow_up", "回访";
        Suspend = "suspend", "挂账";
        Resume = "resume", "恢复办理";
        Invalid = "invalid", "作废";
        Duplicate = "duplicate", "重复件";
    }
}

labelled_enum! {
    CaseStatus, "status" {
        Received = "received", "已受理";
        Registered = "registered", "已立案";
        Dispatched = "dispatched", "已派遣";
        Handling = "handling", "处置中";
        Verifying = "verifying", "待核查";
        Closed = "closed", "已结案";
        Suspended = "suspended", "挂账";
        Invalid = "invalid", "无效";
        Duplicate = "duplicate", "重复";
    }
}

impl CaseStatus {
    /// No further move but a follow-up (for a closed case) is possible.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CaseStatus::Closed | CaseStatus::Invalid | CaseStatus::Duplicate
        )
    }

    /// Counts against the handling unit's deadline.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::Registered
                | CaseStatus::Dispatched
                | CaseStatus::Handling
                | CaseStatus::Verifying
        )
    }
}

labelled_enum! {
    /// Where a case came in.
    Channel, "channel" {
        Hotline = "hotline", "热线" | "12345";
        Web = "web", "网站/手机";
        GridWorker = "grid_worker", "网格员上报" | "网格员";
        WalkIn = "walk_in", "来访";
        System = "system", "其他系统";
    }
}

impl Default for Channel {
    /// Most cases come in by the hotline; intake always names the channel.
    fn default() -> Self {
        Channel::Hotline
    }
}

labelled_enum! {
    /// How a case found its place: by a point in a grid, by a community named with its
    /// address, or not yet (the manual queue).
    Routing, "routed" {
        Grid = "grid", "按网格定位";
        Address = "address", "按社区地址";
        Manual = "manual", "待人工分拨";
    }
}

// labelled_enum! takes no attributes on variants, so `#[default]` cannot be derived.
#[allow(clippy::derivable_impls)]
impl Default for Routing {
    fn default() -> Self {
        Routing::Manual
    }
}

impl Default for CaseStatus {
    /// A case starts received.
    fn default() -> Self {
        CaseStatus::Received
    }
}

labelled_enum! {
    Urgency, "urgency" {
        Emergency = "emergency", "紧急";
        Urgent = "urgent", "较急";
        Normal = "normal", "一般";
    }
}

labelled_enum! {
    /// 督办 levels: yellow first, then red.
    Supervision, "level" {
        Yellow = "yellow", "黄牌督办" | "黄色";
        Red = "red", "红牌督办" | "红色";
    }
}

labelled_enum! {
    Satisfaction, "satisfaction" {
        Satisfied = "satisfied", "满意";
        Basic = "basic", "基本满意";
        Unsatisfied = "unsatisfied", "不满意";
    }
}

// labelled_enum! takes no attributes on variants, so `#[default]` cannot be derived.
#[allow(clippy::derivable_impls)]
impl Default for Urgency {
    fn default() -> Self {
        Urgency::Normal
    }
}

impl Satisfaction {
    /// Counts toward the satisfaction rate (满意率): satisfied and basically satisfied.
    pub fn counts_satisfied(self) -> bool {
        !matches!(self, Satisfaction::Unsatisfied)
    }
}
