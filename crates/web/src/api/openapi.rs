//! The OpenAPI 3.1 document of /api/v1, built from one table of operations so that adding a
//! route and describing it happen in the same place.

use axum::Json;
use serde_json::{Value, json};

/// (method, path, tag, summary, path/query parameters, request schema, response schema,
/// success status)
type Op = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
    Option<&'static str>,
    &'static str,
    &'static str,
);

const PAGE: &[(&str, &str, &str)] = &[
    ("page", "query", "integer"),
    ("per_page", "query", "integer"),
];

const OPS: &[Op] = &[
    (
        "get",
        "/openapi.json",
        "账号",
        "本 API 的 OpenAPI 3.1 文档",
        &[],
        None,
        "OpenApi",
        "200",
    ),
    (
        "post",
        "/session",
        "账号",
        "登录：设置会话 Cookie，返回 CSRF 令牌",
        &[],
        Some("Login"),
        "Session",
        "200",
    ),
    (
        "delete",
        "/session",
        "账号",
        "退出登录",
        &[],
        None,
        "Empty",
        "204",
    ),
    ("get", "/me", "账号", "当前账号", &[], None, "Me", "200"),
    (
        "post",
        "/me/password",
        "账号",
        "修改本人密码（其他会话随之失效）",
        &[],
        Some("PasswordChange"),
        "Empty",
        "204",
    ),
    (
        "get",
        "/tokens",
        "账号",
        "本人的访问令牌",
        &[],
        None,
        "TokenList",
        "200",
    ),
    (
        "post",
        "/tokens",
        "账号",
        "新建访问令牌（令牌只返回这一次）",
        &[],
        Some("NewToken"),
        "Token",
        "201",
    ),
    (
        "delete",
        "/tokens/{id}",
        "账号",
        "吊销访问令牌",
        &[("id", "path", "integer")],
        None,
        "Empty",
        "204",
    ),
    (
        "get",
        "/users",
        "账号",
        "管理范围内的账号",
        PAGE,
        None,
        "Page",
        "200",
    ),
    (
        "post",
        "/users",
        "账号",
        "新建账号",
        &[],
        Some("NewUser"),
        "User",
        "201",
    ),
    (
        "get",
        "/audit",
        "审计",
        "浏览审计日志（新在前）",
        &[
            ("actor", "query", "string"),
            ("operation", "query", "string"),
            ("target", "query", "string"),
            ("from", "query", "string"),
            ("to", "query", "string"),
            ("before", "query", "integer"),
            ("limit", "query", "integer"),
        ],
        None,
        "Page",
        "200",
    ),
    (
        "get",
        "/audit/verify",
        "审计",
        "校验审计哈希链",
        &[],
        None,
        "Verification",
        "200",
    ),
    (
        "get",
        "/orgs",
        "党组织",
        "列出党组织（子树、层级、类别、名称或代码、换届到期）",
        &[
            ("within", "query", "string"),
            ("level", "query", "string"),
            ("category", "query", "string"),
            ("text", "query", "string"),
            ("term_due_before", "query", "string"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
        ],
        None,
        "Page",
        "200",
    ),
    (
        "post",
        "/orgs",
        "党组织",
        "新建党组织",
        &[],
        Some("NewOrg"),
        "Org",
        "201",
    ),
    (
        "get",
        "/orgs/{code}",
        "党组织",
        "党组织详情：上级、下级、委员会、所属单位、双报到",
        &[("code", "path", "string")],
        None,
        "OrgDetail",
        "200",
    ),
    (
        "delete",
        "/orgs/{code}",
        "党组织",
        "删除没有下级、党员和历史记录的党组织",
        &[("code", "path", "string")],
        None,
        "Empty",
        "204",
    ),
    (
        "post",
        "/orgs/{code}/move",
        "党组织",
        "连同子树和党员移到新的上级",
        &[("code", "path", "string")],
        Some("MoveTo"),
        "Org",
        "200",
    ),
    (
        "post",
        "/orgs/{code}/seats",
        "党组织",
        "增加委员（含驻区单位兼职委员）",
        &[("code", "path", "string")],
        Some("NewSeat"),
        "SeatList",
        "201",
    ),
    (
        "get",
        "/orgs/{code}/registrations",
        "双报到",
        "社区的报到记录",
        &[
            ("code", "path", "string"),
            ("all", "query", "boolean"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
        ],
        None,
        "Page",
        "200",
    ),
    (
        "get",
        "/members",
        "党员",
        "党员列表（子树、状态、类别、姓名；after 翻页）",
        &[
            ("within", "query", "string"),
            ("status", "query", "string"),
            ("category", "query", "string"),
            ("name", "query", "string"),
            ("after", "query", "string"),
            ("limit", "query", "integer"),
        ],
        None,
        "Page",
        "200",
    ),
    (
        "post",
        "/members",
        "党员",
        "新建党员档案",
        &[],
        Some("NewMember"),
        "Member",
        "201",
    ),
    (
        "get",
        "/members/{id}",
        "党员",
        "党员档案、转接历史和双报到；reveal=true 显示完整身份证号和电话（记入审计）",
        &[("id", "path", "integer"), ("reveal", "query", "boolean")],
        None,
        "MemberDetail",
        "200",
    ),
    (
        "put",
        "/members/{id}",
        "党员",
        "修改党员档案（所在党组织须通过转接变更）",
        &[("id", "path", "integer")],
        Some("NewMember"),
        "Member",
        "200",
    ),
    (
        "post",
        "/members/{id}/transfer",
        "党员",
        "组织关系转接",
        &[("id", "path", "integer")],
        Some("Transfer"),
        "Member",
        "200",
    ),
    (
        "post",
        "/members/{id}/registrations",
        "双报到",
        "在职党员到居住社区报到",
        &[("id", "path", "integer")],
        Some("Register"),
        "Registration",
        "201",
    ),
    (
        "post",
        "/registrations/{id}/end",
        "双报到",
        "结束报到",
        &[("id", "path", "integer")],
        Some("End"),
        "Registration",
        "200",
    ),
    (
        "get",
        "/units",
        "驻区单位",
        "驻区单位列表（按区划，可按名称搜索）",
        &[
            ("within", "query", "string"),
            ("q", "query", "string"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
        ],
        None,
        "Page",
        "200",
    ),
    (
        "post",
        "/units",
        "驻区单位",
        "新建驻区单位",
        &[],
        Some("NewUnit"),
        "Unit",
        "201",
    ),
    (
        "get",
        "/units/{id}",
        "驻区单位",
        "驻区单位详情和双报到",
        &[("id", "path", "integer")],
        None,
        "UnitDetail",
        "200",
    ),
    (
        "post",
        "/units/{id}/registrations",
        "双报到",
        "单位党组织到所在社区报到",
        &[("id", "path", "integer")],
        Some("Register"),
        "Registration",
        "201",
    ),
    (
        "get",
        "/meetings",
        "组织生活",
        "会议列表（范围、单个组织、类型、状态、日期区间）",
        &[
            ("within", "query", "string"),
            ("org", "query", "string"),
            ("kind", "query", "string"),
            ("status", "query", "string"),
            ("from", "query", "string"),
            ("to", "query", "string"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
        ],
        None,
        "Page",
        "200",
    ),
    (
        "post",
        "/meetings",
        "组织生活",
        "计划或记录会议（日期在今天之后为计划；joint_orgs 为联合主题党日的其他组织）",
        &[],
        Some("NewMeeting"),
        "Meeting",
        "201",
    ),
    (
        "get",
        "/meetings/{id}",
        "组织生活",
        "会议详情：缺席、列席、附件、联合组织",
        &[("id", "path", "integer")],
        None,
        "MeetingDetail",
        "200",
    ),
    (
        "put",
        "/meetings/{id}",
        "组织生活",
        "修改会议记录（如把计划记录为已召开）",
        &[("id", "path", "integer")],
        Some("NewMeeting"),
        "Meeting",
        "200",
    ),
    (
        "post",
        "/meetings/{id}/attachments",
        "组织生活",
        "上传附件（multipart 字段 file；PDF、JPG、PNG、DOCX、XLSX，不超过 10 MB）",
        &[("id", "path", "integer")],
        None,
        "Attachment",
        "201",
    ),
    (
        "get",
        "/attachments/{id}",
        "组织生活",
        "下载附件",
        &[("id", "path", "integer")],
        None,
        "Empty",
        "200",
    ),
    (
        "get",
        "/compliance",
        "组织生活",
        "三会一课达标情况（范围、期间：2026、2026-Q3、2026-07；默认本季度）",
        &[("within", "query", "string"), ("period", "query", "string")],
        None,
        "ComplianceReport",
        "200",
    ),
    (
        "get",
        "/meeting-rules",
        "组织生活",
        "各类会议的召开频次规则",
        &[],
        None,
        "MeetingRules",
        "200",
    ),
    (
        "put",
        "/meeting-rules/{kind}",
        "组织生活",
        "设置某类会议的频次（frequency 为 null 表示不再要求；需全域管理员）",
        &[("kind", "path", "string")],
        Some("SetRule"),
        "MeetingRules",
        "200",
    ),
    (
        "get",
        "/points/schemes",
        "党员积分",
        "积分方案（类别树、项目、分值、上限、是否需佐证/审核、来源）",
        &[],
        None,
        "Schemes",
        "200",
    ),
    (
        "put",
        "/points/schemes/{code}",
        "党员积分",
        "保存积分方案（校验循环、负上限等；需全域管理员）",
        &[("code", "path", "string")],
        Some("Scheme"),
        "Scheme",
        "200",
    ),
    (
        "get",
        "/points/ranking",
        "党员积分",
        "范围内党员积分排名（并列同名次）",
        &[
            ("within", "query", "string"),
            ("scheme", "query", "string"),
            ("period", "query", "string"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
            ("ascending", "query", "boolean"),
        ],
        None,
        "Ranking",
        "200",
    ),
    (
        "get",
        "/members/{id}/points",
        "党员积分",
        "党员积分台账：各项目、会议明细、手工登记",
        &[
            ("id", "path", "integer"),
            ("scheme", "query", "string"),
            ("period", "query", "string"),
        ],
        None,
        "Ledger",
        "200",
    ),
    (
        "post",
        "/points/entries",
        "党员积分",
        "手工登记积分（待审核；检查佐证与每期上限）",
        &[],
        Some("NewPoints"),
        "PointsEntry",
        "201",
    ),
    (
        "get",
        "/points/pending",
        "党员积分",
        "范围内待审核的积分登记",
        &[],
        None,
        "PointsEntries",
        "200",
    ),
    (
        "post",
        "/points/entries/{id}/approve",
        "党员积分",
        "审核通过（不能审核自己登记的）",
        &[("id", "path", "integer")],
        None,
        "PointsEntry",
        "200",
    ),
    (
        "post",
        "/points/entries/{id}/reject",
        "党员积分",
        "审核不通过",
        &[("id", "path", "integer")],
        None,
        "PointsEntry",
        "200",
    ),
    (
        "get",
        "/assessment",
        "组织考核",
        "范围内党组织的季度考核：得分、星级、排名，后 5% 列为软弱涣散",
        &[("within", "query", "string"), ("period", "query", "string")],
        None,
        "Assessment",
        "200",
    ),
    (
        "get",
        "/assessment/weights",
        "组织考核",
        "考核权重",
        &[],
        None,
        "Weights",
        "200",
    ),
    (
        "put",
        "/assessment/weights",
        "组织考核",
        "修改考核权重（全域管理员）",
        &[],
        Some("Weights"),
        "Weights",
        "200",
    ),
    (
        "post",
        "/rectifications",
        "组织考核",
        "为本期被列为软弱涣散的党组织登记整改",
        &[],
        Some("NewRectification"),
        "Rectification",
        "201",
    ),
    (
        "get",
        "/rectifications/{id}",
        "组织考核",
        "一条整改记录",
        &[("id", "path", "integer")],
        None,
        "Rectification",
        "200",
    ),
    (
        "post",
        "/rectifications/{id}/follow-up",
        "组织考核",
        "记录整改进展；close 为 true 时销号",
        &[("id", "path", "integer")],
        Some("FollowUp"),
        "Rectification",
        "200",
    ),
    (
        "get",
        "/evaluations",
        "双向评价",
        "某年度范围内应做的双向评价及已给等次",
        &[
            ("year", "query", "integer"),
            ("within", "query", "string"),
            ("subject", "query", "string"),
            ("pending", "query", "boolean"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
        ],
        None,
        "EvaluationPairs",
        "200",
    ),
    (
        "post",
        "/evaluations",
        "双向评价",
        "给出一项评价：社区评单位或党员，单位评社区；同一对象同一年度只能一次",
        &[],
        Some("NewEvaluation"),
        "Evaluation",
        "201",
    ),
    (
        "delete",
        "/evaluations/{id}",
        "双向评价",
        "撤回一项评价",
        &[("id", "path", "integer")],
        None,
        "Evaluation",
        "200",
    ),
    (
        "get",
        "/wishes",
        "党员积分",
        "范围内的微心愿（党员只看所报到社区的待认领心愿和本人认领的）",
        &[
            ("within", "query", "string"),
            ("status", "query", "string"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
        ],
        None,
        "Page",
        "200",
    ),
    (
        "post",
        "/wishes",
        "党员积分",
        "社区发布一个微心愿",
        &[],
        Some("NewWish"),
        "Wish",
        "201",
    ),
    (
        "post",
        "/wishes/{id}/moves",
        "党员积分",
        "认领、放弃认领、确认实现或撤回；实现的心愿计入认领党员的积分",
        &[("id", "path", "integer")],
        Some("WishMove"),
        "Wish",
        "200",
    ),
    (
        "get",
        "/service-records",
        "党员积分",
        "范围内社区登记的志愿服务记录（默认近 90 天）",
        &[
            ("within", "query", "string"),
            ("from", "query", "string"),
            ("to", "query", "string"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
        ],
        None,
        "Page",
        "200",
    ),
    (
        "post",
        "/service-records",
        "党员积分",
        "登记一次志愿服务：时长以半小时计，整小时计入积分“志愿服务时长”",
        &[],
        Some("NewService"),
        "Service",
        "201",
    ),
    (
        "delete",
        "/service-records/{id}",
        "党员积分",
        "删除一条志愿服务记录",
        &[("id", "path", "integer")],
        None,
        "Service",
        "200",
    ),
    (
        "get",
        "/agreements",
        "共驻共建",
        "某年度范围内的共建协议及履职进度（驻区单位联络员只看本单位）",
        &[
            ("year", "query", "integer"),
            ("within", "query", "string"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
        ],
        None,
        "Page",
        "200",
    ),
    (
        "post",
        "/agreements",
        "共驻共建",
        "与所在社区或街道签订年度共建协议及履职清单；每个单位每年一份",
        &[],
        Some("NewAgreement"),
        "AgreementDetail",
        "201",
    ),
    (
        "get",
        "/agreements/{id}",
        "共驻共建",
        "一份共建协议及其履职事项",
        &[("id", "path", "integer")],
        None,
        "AgreementDetail",
        "200",
    ),
    (
        "post",
        "/agreements/{id}/commitments",
        "共驻共建",
        "为协议增加一项履职事项",
        &[("id", "path", "integer")],
        Some("NewCommitment"),
        "AgreementDetail",
        "201",
    ),
    (
        "post",
        "/commitments/{id}/done",
        "共驻共建",
        "标记履职事项完成（默认今天；不能晚于今天）",
        &[("id", "path", "integer")],
        Some("DoneOn"),
        "Commitment",
        "200",
    ),
    (
        "delete",
        "/commitments/{id}/done",
        "共驻共建",
        "撤销完成标记",
        &[("id", "path", "integer")],
        None,
        "Commitment",
        "200",
    ),
    (
        "post",
        "/cases",
        "案件",
        "受理一件诉求或事件：按网格、社区定位，有类别时即立案；同一提交标识只受理一次",
        &[],
        Some("NewCase"),
        "Case",
        "201",
    ),
    (
        "get",
        "/cases",
        "案件",
        "范围内的案件，可按状态、部门、街道、类别、受理日期、超期、返工、回退、不满意、待人工分拨筛选",
        &[
            ("within", "query", "string"),
            ("status", "query", "string"),
            ("department", "query", "string"),
            ("street", "query", "string"),
            ("category", "query", "string"),
            ("from", "query", "string"),
            ("to", "query", "string"),
            ("late", "query", "boolean"),
            ("reworked", "query", "boolean"),
            ("returned", "query", "boolean"),
            ("unsatisfied", "query", "boolean"),
            ("manual", "query", "boolean"),
            ("q", "query", "string"),
            ("page", "query", "integer"),
            ("per_page", "query", "integer"),
        ],
        None,
        "Cases",
        "200",
    ),
    (
        "get",
        "/cases/{id}",
        "案件",
        "一件案件及其全部办理步骤和吹哨报到情况",
        &[("id", "path", "integer")],
        None,
        "CaseDetail",
        "200",
    ),
    (
        "post",
        "/cases/{id}/moves",
        "案件",
        "办理一步：立案、派遣（多个部门即吹哨）、报到、响应、回退、延期、督办、处置反馈、核查、返工、回访、挂账、恢复、作废、重复",
        &[("id", "path", "integer")],
        Some("Move"),
        "Case",
        "200",
    ),
    (
        "get",
        "/inbox",
        "案件",
        "本部门的待办：派给本部门或吹哨召集本部门的案件",
        PAGE,
        None,
        "Cases",
        "200",
    ),
    (
        "get",
        "/rates",
        "案件",
        "响应率、解决率、满意率、按期结案率、返工率、回退率和平均办理时长，按街道、部门、类别或月份分组",
        &[
            ("from", "query", "string"),
            ("to", "query", "string"),
            ("by", "query", "string"),
            ("street", "query", "string"),
            ("department", "query", "string"),
        ],
        None,
        "Rates",
        "200",
    ),
    (
        "get",
        "/track/{code}",
        "案件",
        "按案件编号查询办理进度（无需登录，不含个人信息）",
        &[("code", "path", "string")],
        None,
        "Tracking",
        "200",
    ),
    (
        "post",
        "/track/{code}/rating",
        "案件",
        "反映人凭案件编号和电话后四位评价满意度（无需登录）",
        &[("code", "path", "string")],
        Some("Rating"),
        "Tracking",
        "200",
    ),
    (
        "get",
        "/departments",
        "案件",
        "职能部门",
        &[],
        None,
        "Departments",
        "200",
    ),
    (
        "post",
        "/departments",
        "案件",
        "添加职能部门（全域管理员）",
        &[],
        Some("NewDepartment"),
        "Department",
        "201",
    ),
    (
        "get",
        "/grids",
        "网格",
        "范围内的网格及其多边形",
        &[("within", "query", "string")],
        None,
        "Grids",
        "200",
    ),
    (
        "post",
        "/grids",
        "网格",
        "在社区下划定网格（编码为社区代码加三位序号）",
        &[],
        Some("NewGrid"),
        "Grid",
        "201",
    ),
    (
        "get",
        "/case-classification",
        "案件",
        "案件分类（大类、小类）及办理时限",
        &[],
        None,
        "Classification",
        "200",
    ),
    (
        "put",
        "/case-classification",
        "案件",
        "修改案件分类及时限（全域管理员）",
        &[],
        Some("Classification"),
        "Classification",
        "200",
    ),
    (
        "get",
        "/case-calendar",
        "案件",
        "工作时间与节假日",
        &[],
        None,
        "Calendar",
        "200",
    ),
    (
        "put",
        "/case-calendar",
        "案件",
        "修改工作时间与节假日（全域管理员）",
        &[],
        Some("Calendar"),
        "Calendar",
        "200",
    ),
    (
        "post",
        "/patrols",
        "网格",
        "登记一次走访巡查（本地时间，可带轨迹点）",
        &[],
        Some("NewPatrol"),
        "Patrol",
        "201",
    ),
    (
        "get",
        "/patrols",
        "网格",
        "本人今日巡查时长与每日目标，及近 7 天的巡查",
        &[],
        None,
        "PatrolDay",
        "200",
    ),
    (
        "get",
        "/patrols/my-cases",
        "网格",
        "网格员手机端：本人网格内待核查的案件和其他未办结案件（各至多 50 件）",
        &[],
        None,
        "MyCases",
        "200",
    ),
    (
        "get",
        "/patrols/scope",
        "网格",
        "范围内近若干天的巡查",
        &[("days", "query", "integer")],
        None,
        "Patrols",
        "200",
    ),
    (
        "post",
        "/patrols/{id}/case",
        "网格",
        "把巡查发现一步转为案件（定位到巡查的网格）",
        &[("id", "path", "integer")],
        Some("FindingCase"),
        "Case",
        "201",
    ),
    (
        "get",
        "/grid-teams",
        "网格",
        "范围内各网格的队伍：网格长、专兼职网格员、信息员、志愿者",
        &[("within", "query", "string")],
        None,
        "GridTeam",
        "200",
    ),
    (
        "post",
        "/grid-teams",
        "网格",
        "为网格添加队伍成员（每个网格一名网格长）",
        &[],
        Some("NewTeamMember"),
        "TeamMember",
        "201",
    ),
    (
        "delete",
        "/grid-teams/{id}",
        "网格",
        "移出网格队伍",
        &[("id", "path", "integer")],
        None,
        "Empty",
        "204",
    ),
    (
        "get",
        "/grid-places",
        "网格",
        "范围内各网格的点位：楼栋（含户数）和驻区单位",
        &[("within", "query", "string")],
        None,
        "GridPlaces",
        "200",
    ),
    (
        "post",
        "/grid-places",
        "网格",
        "标注点位：按经纬度归入所在网格；楼栋的户数计入网格",
        &[],
        Some("NewGridPlace"),
        "GridPlace",
        "201",
    ),
    (
        "delete",
        "/grid-places/{id}",
        "网格",
        "删除点位（楼栋从网格的楼栋数和户数中减去）",
        &[("id", "path", "integer")],
        None,
        "Empty",
        "204",
    ),
];

fn string_props(names: &[&str]) -> Value {
    Value::Object(
        names
            .iter()
            .map(|n| (n.to_string(), json!({ "type": "string" })))
            .collect(),
    )
}

/// One `json!` holding every schema passes the macro's recursion limit; the grid places are
/// added from a second.
fn all_schemas() -> Value {
    let mut all = schemas();
    if let (Some(a), Value::Object(b)) = (all.as_object_mut(), place_schemas()) {
        a.extend(b);
    }
    all
}

fn place_schemas() -> Value {
    json!({
        "OpenApi": { "type": "object", "description": "An OpenAPI 3.1 document" },
        "Wish": { "type": "object", "properties": string_props(&["id", "community_org_id", "community_name", "title", "detail", "resident", "status", "posted_on", "member_id", "member_name", "claimed_on", "fulfilled_on", "posted_by"]) },
        "NewWish": { "type": "object", "required": ["community", "title"], "properties": string_props(&["community", "title", "detail", "resident"]) },
        "WishMove": { "type": "object", "required": ["move"], "properties": { "move": { "type": "string", "enum": ["claim", "release", "fulfil", "withdraw"] }, "member_id": { "type": "integer" }, "on": { "type": "string", "format": "date" } } },
        "Service": { "type": "object", "properties": string_props(&["id", "member_id", "member_name", "community_org_id", "community_code", "community_name", "served_on", "minutes", "activity", "recorded_by"]) },
        "NewService": { "type": "object", "required": ["member_id", "community", "hours", "activity"], "properties": { "member_id": { "type": "integer" }, "community": { "type": "string" }, "served_on": { "type": "string", "format": "date" }, "hours": { "type": "number", "description": "0.5 到 12，以半小时计" }, "activity": { "type": "string" } } },
        "Agreement": { "type": "object", "properties": string_props(&["id", "unit_id", "unit_name", "org_id", "org_code", "org_name", "year", "signed_on", "created_by", "items", "done", "on_time", "overdue"]) },
        "Commitment": { "type": "object", "properties": string_props(&["id", "agreement_id", "title", "due_on", "done_on", "done_by"]) },
        "AgreementDetail": { "type": "object", "properties": { "agreement": { "$ref": "#/components/schemas/Agreement" }, "commitments": { "type": "array", "items": { "$ref": "#/components/schemas/Commitment" } } } },
        "NewCommitment": { "type": "object", "required": ["title", "due_on"], "properties": string_props(&["title", "due_on"]) },
        "NewAgreement": { "type": "object", "required": ["unit_id", "org"], "properties": { "unit_id": { "type": "integer" }, "org": { "type": "string" }, "year": { "type": "integer" }, "signed_on": { "type": "string", "format": "date" }, "commitments": { "type": "array", "items": { "$ref": "#/components/schemas/NewCommitment" } }, "lines": { "type": "string", "description": "或每行一项：事项|完成期限" } } },
        "DoneOn": { "type": "object", "properties": { "on": { "type": "string", "format": "date" } } },
        "GridPlace": { "type": "object", "properties": string_props(&["id", "grid_id", "grid_code", "kind", "name", "lon", "lat", "households", "unit_id"]) },
        "MyCases": { "type": "object", "properties": { "verifying": { "type": "array", "items": { "$ref": "#/components/schemas/Case" } }, "open": { "type": "array", "items": { "$ref": "#/components/schemas/Case" } } } },
        "GridPlaces": { "type": "array", "items": { "$ref": "#/components/schemas/GridPlace" } },
        "NewGridPlace": { "type": "object", "required": ["kind", "lon", "lat"], "properties": { "kind": { "type": "string", "enum": ["building", "unit"] }, "name": { "type": "string", "description": "楼栋必填；单位默认用单位名称" }, "unit_id": { "type": "integer" }, "lon": { "type": "number" }, "lat": { "type": "number" }, "households": { "type": "integer" } } },
    })
}

fn schemas() -> Value {
    json!({
        "Error": { "type": "object", "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": {
            "code": { "type": "string", "enum": ["invalid", "not_found", "conflict", "forbidden", "unauthenticated", "unavailable", "store", "malformed_json", "bad_query", "too_large", "unsupported_media_type"] },
            "message": { "type": "string", "description": "中文说明，指出字段和值" },
            "field": { "type": "string" }, "value": { "type": "string" } } } } },
        "Page": { "type": "object", "properties": { "items": { "type": "array", "items": {} }, "total": { "type": ["integer", "null"] }, "next": { "type": ["string", "null"], "description": "下一页：作为 page 或 after 传回" } } },
        "Empty": { "type": "null" },
        "Login": { "type": "object", "required": ["username", "password"], "properties": string_props(&["username", "password"]) },
        "Session": { "type": "object", "properties": { "csrf": { "type": "string" }, "user": { "$ref": "#/components/schemas/User" } } },
        "Me": { "type": "object", "properties": string_props(&["username", "display_name", "role", "role_label", "scope_code", "csrf"]) },
        "PasswordChange": { "type": "object", "required": ["old_password", "new_password"], "properties": string_props(&["old_password", "new_password"]) },
        "NewToken": { "type": "object", "required": ["name", "scope"], "properties": { "name": { "type": "string" }, "scope": { "type": "string", "enum": ["read", "write"] }, "expires_in_days": { "type": "integer" } } },
        "Token": { "type": "object", "properties": { "token": { "type": "string" }, "id": { "type": "integer" }, "name": { "type": "string" }, "scope": { "type": "string" } } },
        "TokenList": { "type": "array", "items": { "$ref": "#/components/schemas/Token" } },
        "User": { "type": "object", "properties": string_props(&["username", "display_name", "role", "role_label", "scope_code"]) },
        "NewUser": { "type": "object", "required": ["username", "password", "role"], "properties": string_props(&["username", "display_name", "password", "role", "scope"]) },
        "Verification": { "type": "object", "properties": { "entries": { "type": "integer" }, "first_broken": { "type": ["object", "null"] } } },
        "Org": { "type": "object", "properties": string_props(&["code", "name", "level", "level_label", "category", "category_label", "path", "division_code", "founded_on", "elected_on", "term_due", "project", "ends_on"]) },
        "OrgDetail": { "type": "object", "properties": { "org": { "$ref": "#/components/schemas/Org" }, "ancestors": { "type": "array" }, "children": { "type": "array" }, "committee": { "type": "array" }, "unit": { "type": ["object", "null"] }, "registered_members": { "type": "integer" }, "registered_units": { "type": "integer" } } },
        "NewOrg": { "type": "object", "required": ["code", "name", "level", "division_code"], "properties": string_props(&["code", "name", "level", "category", "parent", "division_code", "founded_on", "elected_on", "project", "ends_on"]) },
        "MoveTo": { "type": "object", "required": ["parent"], "properties": string_props(&["parent"]) },
        "NewSeat": { "type": "object", "required": ["position"], "properties": { "position": { "type": "string" }, "name": { "type": "string" }, "member_id": { "type": "integer" }, "unit_id": { "type": "integer" }, "since": { "type": "string" } } },
        "SeatList": { "type": "array", "items": { "type": "object" } },
        "Member": { "type": "object", "properties": string_props(&["name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "joined_on", "full_on", "status", "org_code", "org_name", "residence_division"]) },
        "MemberDetail": { "type": "object", "properties": { "member": { "$ref": "#/components/schemas/Member" }, "transfers": { "type": "array" }, "registrations": { "type": "array" }, "employer_unit_name": { "type": ["string", "null"] } } },
        "NewMember": { "type": "object", "required": ["name", "id_number", "org", "joined_on"], "properties": string_props(&["name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "joined_on", "full_on", "status", "categories", "org", "residence_division"]) },
        "Transfer": { "type": "object", "required": ["to"], "properties": string_props(&["to", "on", "reason"]) },
        "Register": { "type": "object", "required": ["community"], "properties": string_props(&["community", "on"]) },
        "End": { "type": "object", "properties": string_props(&["on"]) },
        "Registration": { "type": "object", "properties": string_props(&["community_name", "member_name", "unit_name", "registered_on", "ended_on"]) },
        "Unit": { "type": "object", "properties": string_props(&["name", "category", "category_label", "division_code", "address", "org_code", "org_name"]) },
        "UnitDetail": { "type": "object", "properties": { "unit": { "$ref": "#/components/schemas/Unit" }, "registrations": { "type": "array" } } },
        "NewMeeting": { "type": "object", "required": ["org", "kind", "held_on", "topic"], "properties": {
            "org": { "type": "string" }, "kind": { "type": "string", "enum": ["branch_assembly", "branch_committee", "group_meeting", "party_lecture", "themed_day", "life_meeting", "democratic_review"] },
            "status": { "type": "string", "enum": ["planned", "held", "cancelled"] }, "held_on": { "type": "string", "format": "date" },
            "place": { "type": "string" }, "topic": { "type": "string" }, "host": { "type": "string" }, "minutes": { "type": "string" }, "follow_up": { "type": "string" },
            "absent": { "type": "array", "items": { "type": "string" }, "description": "党员编号，可加“:原因”" },
            "visitors": { "type": "array", "items": { "type": "string" }, "description": "到本社区报到的列席党员编号" },
            "joint_orgs": { "type": "array", "items": { "type": "string" } } } },
        "Meeting": { "type": "object", "properties": { "id": { "type": "integer" }, "org_code": { "type": "string" }, "kind": { "type": "string" }, "kind_label": { "type": "string" }, "status": { "type": "string" }, "held_on": { "type": "string" }, "topic": { "type": "string" }, "expected": { "type": "integer" }, "absent": { "type": "integer" }, "visitors": { "type": "integer" }, "present": { "type": "integer" }, "joint_id": { "type": ["integer", "null"] } } },
        "MeetingDetail": { "type": "object", "properties": { "meeting": { "$ref": "#/components/schemas/Meeting" }, "absences": { "type": "array" }, "visitors": { "type": "array" }, "attachments": { "type": "array" }, "joint": { "type": "array" } } },
        "Attachment": { "type": "object", "properties": { "id": { "type": "integer" }, "file_name": { "type": "string" }, "content_type": { "type": "string" }, "size_bytes": { "type": "integer" } } },
        "ComplianceReport": { "type": "object", "properties": { "period": { "type": "string" }, "complying": { "type": "integer" }, "rate": { "type": ["number", "null"] }, "attendance_rate": { "type": ["number", "null"] }, "orgs": { "type": "array" }, "by_kind": { "type": "array" } } },
        "MeetingRules": { "type": "array", "items": { "type": "object", "properties": string_props(&["kind", "kind_label", "level", "frequency"]) } },
        "SetRule": { "type": "object", "properties": { "level": { "type": "string" }, "frequency": { "type": ["string", "null"], "enum": ["monthly", "quarterly", "yearly", null] } } },
        "Scheme": { "type": "object", "required": ["code", "name", "kind", "base", "period", "categories", "items"], "properties": {
            "code": { "type": "string" }, "name": { "type": "string" }, "kind": { "type": "string", "enum": ["accrual", "deduction"] },
            "base": { "type": "integer" }, "period": { "type": "string", "enum": ["year", "quarter"] },
            "categories": { "type": "array", "items": { "type": "object", "properties": { "code": { "type": "string" }, "name": { "type": "string" }, "parent": { "type": ["string", "null"] } } } },
            "items": { "type": "array", "items": { "type": "object", "properties": { "code": { "type": "string" }, "name": { "type": "string" }, "category": { "type": "string" },
                "points": { "type": "integer" }, "cap": { "type": ["integer", "null"] }, "evidence": { "type": "boolean" }, "approval": { "type": "boolean" },
                "source": { "type": "string", "enum": ["manual", "meeting_attended", "meeting_absent", "registration"] } } } } } },
        "Schemes": { "type": "array", "items": { "$ref": "#/components/schemas/Scheme" } },
        "Ranking": { "type": "object", "properties": { "scheme": { "type": "string" }, "period": { "type": "string" }, "members": { "type": "integer" }, "average": { "type": ["number", "null"] }, "items": { "type": "array", "items": { "type": "object", "properties": { "rank": { "type": "integer" }, "member_id": { "type": "integer" }, "name": { "type": "string" }, "org_name": { "type": "string" }, "total": { "type": "integer" } } } } } },
        "Ledger": { "type": "object", "properties": { "total": { "type": "integer" }, "base": { "type": "integer" }, "items": { "type": "array" }, "meetings": { "type": "array" }, "entries": { "type": "array" }, "registered": { "type": "boolean" } } },
        "NewPoints": { "type": "object", "required": ["scheme", "item", "member_id", "occurred_on"], "properties": { "scheme": { "type": "string" }, "item": { "type": "string" }, "member_id": { "type": "integer" }, "occurred_on": { "type": "string", "format": "date" }, "times": { "type": "integer" }, "note": { "type": "string" }, "evidence": { "type": "string" } } },
        "PointsEntry": { "type": "object", "properties": string_props(&["id", "scheme", "item", "member_name", "period", "occurred_on", "points", "status", "created_by", "decided_by"]) },
        "PointsEntries": { "type": "array", "items": { "$ref": "#/components/schemas/PointsEntry" } },
        "Weights": { "type": "object", "properties": { "compliance": { "type": "number" }, "attendance": { "type": "number" }, "registration": { "type": "number" }, "evaluation": { "type": "number" }, "cases": { "type": "number" }, "commitments": { "type": "number" } } },
        "Assessment": { "type": "object", "properties": { "period": { "type": "string" }, "weights": { "$ref": "#/components/schemas/Weights" }, "weak": { "type": "integer" }, "orgs": { "type": "array" } } },
        "NewRectification": { "type": "object", "required": ["org", "period", "plan"], "properties": string_props(&["org", "period", "plan"]) },
        "Rectification": { "type": "object", "properties": string_props(&["id", "org_code", "org_name", "period", "plan", "progress", "status"]) },
        "NewEvaluation": { "type": "object", "required": ["year", "subject", "community", "grade"], "properties": { "year": { "type": "integer" },
            "subject": { "type": "string", "enum": ["unit", "member", "community"] }, "community": { "type": "string" }, "member": { "type": "integer" }, "unit": { "type": "integer" },
            "grade": { "type": "string", "enum": ["excellent", "good", "fair", "poor"] }, "comment": { "type": "string" } } },
        "Evaluation": { "type": "object", "properties": string_props(&["id", "year", "subject", "community_code", "community_name", "unit_id", "unit_name", "member_id", "member_name", "grade", "comment", "evaluated_by", "evaluated_at"]) },
        "EvaluationPairs": { "type": "object", "properties": { "year": { "type": "integer" }, "progress": { "type": "array" }, "page": { "type": "object" } } },
        "NewCase": { "type": "object", "required": ["channel", "title"], "properties": { "channel": { "type": "string", "enum": ["hotline", "web", "grid_worker", "walk_in", "system"] },
            "category": { "type": "string" }, "urgency": { "type": "string", "enum": ["emergency", "urgent", "normal"] }, "title": { "type": "string" }, "description": { "type": "string" },
            "address": { "type": "string" }, "lon": { "type": "number" }, "lat": { "type": "number" }, "community": { "type": "string" }, "reporter_name": { "type": "string" },
            "reporter_phone": { "type": "string" }, "idempotency_key": { "type": "string" } } },
        "Case": { "type": "object", "properties": string_props(&["id", "code", "channel", "category", "urgency", "status", "title", "routed", "org_path", "department_id", "received_at", "due_at", "closed_at", "satisfaction"]) },
        "Cases": { "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Case" } }, "next": { "type": ["string", "null"] } } },
        "CaseDetail": { "type": "object", "properties": { "case": { "$ref": "#/components/schemas/Case" }, "steps": { "type": "array" }, "summons": { "type": "array" } } },
        "Move": { "type": "object", "required": ["action"], "properties": { "action": { "type": "string", "enum": ["register", "dispatch", "accept", "report", "return", "request_extension", "approve_extension", "reject_extension", "supervise", "feedback", "verify", "rework", "follow_up", "suspend", "resume", "invalid", "duplicate"] },
            "note": { "type": "string" }, "category": { "type": "string" }, "urgency": { "type": "string" }, "community": { "type": "string" }, "departments": { "type": "array", "items": { "type": "string" } },
            "level": { "type": "string", "enum": ["yellow", "red"] }, "satisfaction": { "type": "string", "enum": ["satisfied", "basic", "unsatisfied"] }, "duplicate_of": { "type": "string" } } },
        "Rates": { "type": "object", "properties": { "from": { "type": "integer" }, "to": { "type": "integer" }, "by": { "type": "string" }, "total": { "type": "object" }, "lines": { "type": "array" } } },
        "Tracking": { "type": "object", "properties": string_props(&["code", "title", "status", "status_label", "received_at", "closed_at", "satisfaction", "steps"]) },
        "Rating": { "type": "object", "required": ["phone", "satisfaction"], "properties": string_props(&["phone", "satisfaction"]) },
        "Department": { "type": "object", "properties": string_props(&["id", "code", "name"]) },
        "Departments": { "type": "array", "items": { "$ref": "#/components/schemas/Department" } },
        "NewDepartment": { "type": "object", "required": ["code", "name"], "properties": string_props(&["code", "name"]) },
        "Grid": { "type": "object", "properties": string_props(&["id", "code", "name", "community_org_id", "branch_org_id", "geometry", "households", "buildings"]) },
        "Grids": { "type": "array", "items": { "$ref": "#/components/schemas/Grid" } },
        "NewGrid": { "type": "object", "required": ["community", "number", "geometry"], "properties": { "community": { "type": "string" }, "number": { "type": "integer" }, "name": { "type": "string" }, "branch": { "type": "string" }, "geometry": { "type": "object" } } },
        "Classification": { "type": "object", "properties": { "categories": { "type": "array" }, "emergency": { "type": "object" }, "urgent": { "type": "object" }, "max_extensions": { "type": "integer" }, "report_minutes": { "type": "integer" }, "response_minutes": { "type": "integer" }, "warn_share": { "type": "number" } } },
        "Calendar": { "type": "object", "properties": { "day_start": { "type": "string" }, "day_end": { "type": "string" }, "holidays": { "type": "array", "items": { "type": "string" } }, "workdays": { "type": "array", "items": { "type": "string" } } } },
        "NewPatrol": { "type": "object", "required": ["grid", "started_at", "ended_at"], "properties": { "grid": { "type": "string" }, "started_at": { "type": "string" }, "ended_at": { "type": "string" }, "visits": { "type": "integer" }, "findings": { "type": "string" }, "track": { "type": "array" } } },
        "Patrol": { "type": "object", "properties": string_props(&["id", "grid_code", "grid_name", "worker", "started_at", "ended_at", "minutes", "visits", "findings", "cases"]) },
        "Patrols": { "type": "array", "items": { "$ref": "#/components/schemas/Patrol" } },
        "PatrolDay": { "type": "object", "properties": { "minutes": { "type": "integer" }, "target_minutes": { "type": "integer" }, "progress": { "type": "number" }, "visits": { "type": "integer" }, "patrols": { "type": "array" } } },
        "FindingCase": { "type": "object", "properties": { "category": { "type": "string" }, "urgency": { "type": "string" }, "title": { "type": "string" }, "lon": { "type": "number" }, "lat": { "type": "number" } } },
        "TeamMember": { "type": "object", "properties": string_props(&["id", "grid_id", "role", "name", "phone", "member_id"]) },
        "GridTeam": { "type": "array", "items": { "$ref": "#/components/schemas/TeamMember" } },
        "NewTeamMember": { "type": "object", "required": ["grid", "role", "name"], "properties": { "grid": { "type": "string" }, "role": { "type": "string", "enum": ["leader", "full_time", "part_time", "info_officer", "volunteer"] }, "name": { "type": "string" }, "phone": { "type": "string" }, "member_id": { "type": "integer" } } },
        "FollowUp": { "type": "object", "required": ["progress"], "properties": { "progress": { "type": "string" }, "close": { "type": "boolean" } } },
        "NewUnit": { "type": "object", "required": ["name", "category", "division_code"], "properties": string_props(&["name", "category", "division_code", "address", "org"]) },
    })
}

fn operation(op: &Op) -> Value {
    let (_, _, tag, summary, params, request, response, ok) = *op;
    let parameters: Vec<Value> = params
        .iter()
        .map(|(name, place, ty)| json!({ "name": name, "in": place, "required": *place == "path", "schema": { "type": ty } }))
        .collect();
    let err = json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let mut v = json!({
        "tags": [tag],
        "summary": summary,
        "parameters": parameters,
        "responses": {
            ok: { "description": "成功", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{response}") } } } },
            "400": err, "401": err, "403": err, "404": err, "409": err, "413": err, "422": err
        }
    });
    if let Some(r) = request {
        v["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{r}") } } } });
    }
    v
}

pub fn build() -> Value {
    let mut paths = serde_json::Map::new();
    for op in OPS {
        let entry = paths
            .entry(format!("/api/v1{}", op.1))
            .or_insert_with(|| json!({}));
        entry[op.0] = operation(op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "jiceng 基层 API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "城市基层党建引领基层治理平台的 JSON API。认证：浏览器用会话 Cookie（写操作须带 X-CSRF-Token 头），API 客户端用 Authorization: Bearer <个人访问令牌>。请求体上限 1 MiB（超出返回 413）；字段无效返回 422，JSON 无法解析返回 400，错误体均为 {\"error\":{code,message,field,value}}。"
        },
        "components": {
            "schemas": all_schemas(),
            "securitySchemes": {
                "cookie": { "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE },
                "bearer": { "type": "http", "scheme": "bearer" }
            }
        },
        "security": [{ "cookie": [] }, { "bearer": [] }],
        "paths": paths
    })
}

/// One operation, for the browsable reference page.
pub struct OpView {
    pub method: String,
    pub path: String,
    pub summary: &'static str,
    pub params: String,
    pub body: &'static str,
    pub status: &'static str,
    pub response: &'static str,
}

/// The operations grouped by tag, in table order.
pub fn grouped() -> Vec<(&'static str, Vec<OpView>)> {
    let mut groups: Vec<(&'static str, Vec<OpView>)> = Vec::new();
    for op in OPS {
        let view = OpView {
            method: op.0.to_uppercase(),
            path: format!("/api/v1{}", op.1),
            summary: op.3,
            params: op
                .4
                .iter()
                .map(|(n, place, ty)| format!("{n}（{place}, {ty}）"))
                .collect::<Vec<_>>()
                .join(" "),
            body: op.5.unwrap_or(""),
            status: op.7,
            response: op.6,
        };
        match groups.iter_mut().find(|g| g.0 == op.2) {
            Some(g) => g.1.push(view),
            None => groups.push((op.2, vec![view])),
        }
    }
    groups
}

pub fn description() -> String {
    build()["info"]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

pub async fn document() -> Json<Value> {
    Json(build())
}

#[cfg(test)]
mod tests {
    use crate::routes::Kind;
    use std::collections::BTreeSet;

    /// The document describes exactly the API routes the server serves, read from the route
    /// table: a route added without its description, or a description left behind, fails.
    #[test]
    fn the_document_describes_every_api_route_of_the_table() {
        let served: BTreeSet<(String, String)> = crate::route_table()
            .into_iter()
            .filter(|r| r.kind == Kind::Api)
            .map(|r| (r.method.to_lowercase(), r.path))
            .collect();
        let doc = super::build();
        let described: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.clone(), path.clone()))
            })
            .collect();
        let undocumented: Vec<_> = served.difference(&described).collect();
        let stale: Vec<_> = described.difference(&served).collect();
        assert!(
            undocumented.is_empty(),
            "served but not described: {undocumented:?}"
        );
        assert!(stale.is_empty(), "described but not served: {stale:?}");
    }

    #[test]
    fn every_route_is_described_once() {
        let doc = super::build();
        let paths = doc["paths"].as_object().unwrap();
        let described: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(described, super::OPS.len());
        assert!(
            paths["/api/v1/members/{id}"]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "reveal")
        );
    }
}
