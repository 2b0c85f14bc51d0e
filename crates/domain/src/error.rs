use std::fmt;

use crate::msg::{Lang, Msg, translate};

/// A value that failed validation: which field, what was given, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub value: String,
    pub message: Msg,
}

impl Invalid {
    pub fn new(field: &'static str, value: impl fmt::Display, message: Msg) -> Self {
        Invalid {
            field,
            value: value.to_string(),
            message,
        }
    }

    /// The whole sentence, naming the field and the value, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let label = translate(lang, field_label(self.field));
        let why = self.message.render(lang);
        match lang {
            Lang::Zh => format!("{label}（{}）的值“{}”无效：{why}", self.field, self.value),
            Lang::En => {
                let mut c = label.chars();
                let label: String = c
                    .next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default();
                format!(
                    "{label} ({}): “{}” is invalid: {why}",
                    self.field, self.value
                )
            }
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for Invalid {}

/// Chinese labels of field code names, for messages shown to people (English via the catalogue).
pub const FIELD_LABELS: &[(&str, &str)] = &[
    ("division_code", "行政区划代码"),
    ("residence_division", "居住社区"),
    ("id_number", "身份证号"),
    ("phone", "联系电话"),
    ("sms_code", "验证码"),
    ("place_id", "楼栋"),
    ("decision", "审核结果"),
    ("name", "姓名/名称"),
    ("gender", "性别"),
    ("ethnicity", "民族"),
    ("education", "学历"),
    ("birth_date", "出生日期"),
    ("joined_on", "入党日期"),
    ("full_on", "转正日期"),
    ("status", "党员状态"),
    ("categories", "党员类别"),
    ("org", "所在党组织"),
    ("org_code", "所在党组织"),
    ("parent", "上级党组织"),
    ("code", "组织代码"),
    ("level", "组织层级"),
    ("category", "类别"),
    ("founded_on", "成立日期"),
    ("elected_on", "换届日期"),
    ("ends_on", "撤销日期"),
    ("project", "依托项目"),
    ("unit", "驻区单位"),
    ("employer_unit", "工作单位"),
    ("community", "报到社区"),
    ("registered_on", "报到日期"),
    ("transferred_on", "转接日期"),
    ("position", "职务"),
    ("date", "日期"),
    ("since", "任职日期"),
    ("ended_on", "结束日期"),
    ("term_due_before", "换届到期日"),
    ("old_password", "原密码"),
    ("member", "党员"),
    ("after", "翻页位置"),
    ("scale", "规模"),
    ("city", "城市"),
    ("username", "用户名"),
    ("password", "密码"),
    ("role", "角色"),
    ("scope", "管理范围"),
    ("split", "三员分立"),
    ("days", "保存天数"),
    ("before", "归档截止日期"),
    ("archive", "归档文件"),
    ("out", "归档目录"),
    ("token", "令牌"),
    ("expires_in_days", "有效天数"),
    ("held_on", "会议日期"),
    ("weights", "权重"),
    ("plan", "整改措施"),
    ("progress", "整改进展"),
    ("base", "基础分"),
    ("categories", "积分类别"),
    ("items", "积分项目"),
    ("cap", "上限"),
    ("points", "分值"),
    ("scheme", "积分方案"),
    ("item", "积分项目"),
    ("occurred_on", "发生日期"),
    ("evidence", "佐证材料"),
    ("note", "说明"),
    ("from", "起始日期"),
    ("to", "截止日期"),
    ("within", "范围"),
    ("period", "期间"),
    ("kind", "会议类型"),
    ("frequency", "频次"),
    ("topic", "主题"),
    ("place", "地点"),
    ("host", "主持人"),
    ("minutes", "会议记录"),
    ("follow_up", "后续事项"),
    ("absent", "缺席人员"),
    ("visitors", "列席人员"),
    ("attachment", "附件"),
    ("orgs", "参加组织"),
    ("file", "文件"),
    ("number", "编号"),
    ("fields", "列对应"),
    ("state", "任务状态"),
    ("year", "年度"),
    ("grade", "评价等次"),
    ("subject", "评价对象"),
    ("comment", "评语"),
    ("rater", "评价方"),
    ("action", "办理操作"),
    ("level", "督办等级"),
    ("satisfaction", "满意度"),
    ("channel", "来源渠道"),
    ("urgency", "紧急程度"),
    ("limit_unit", "时限单位"),
    ("amount", "时限"),
    ("day_end", "下班时间"),
    ("holidays", "节假日"),
    ("grid_code", "网格编码"),
    ("polygon", "多边形"),
    ("report_minutes", "报到时限"),
    ("warn_share", "预警比例"),
    ("department", "职能部门"),
    ("title", "标题"),
    ("description", "描述"),
    ("address", "地址"),
    ("reporter_name", "反映人"),
    ("location", "位置"),
    ("idempotency_key", "提交标识"),
    ("by", "分组方式"),
    ("departments", "承办部门"),
    ("duplicate_of", "重复的案件"),
    ("branch", "网格支部"),
    ("households", "户数"),
    ("buildings", "楼栋数"),
    ("lon", "经度"),
    ("lat", "纬度"),
    ("place_kind", "点位类型"),
    ("due_on", "完成期限"),
    ("hours", "服务时长"),
    ("fulfilled_on", "实现日期"),
    ("wish", "微心愿"),
    ("resident", "心愿人"),
    ("wish_status", "心愿状态"),
    ("move", "操作"),
    ("served_on", "服务日期"),
    ("activity", "服务内容"),
    ("done_on", "完成日期"),
    ("commitments", "履职事项"),
    ("agreement", "共建协议"),
    ("yellow_after_minutes", "黄牌督办宽限分钟数"),
    ("red_after_share", "红牌督办超时比例"),
    ("day_start", "上班时间"),
    ("workdays", "调休工作日"),
    ("street", "街道"),
    ("ended_at", "结束时间"),
    ("started_at", "开始时间"),
    ("visits", "走访户数"),
    ("findings", "发现问题"),
    ("grid", "网格"),
    ("patrol", "巡查记录"),
    ("track", "轨迹"),
    ("scan_code", "签到二维码"),
    ("activity_id", "志愿活动"),
    ("team_kind", "队伍类型"),
    ("signup_state", "报名状态"),
    ("places", "名额"),
    ("roles", "岗位"),
    ("role_id", "岗位"),
    ("signup_id", "报名"),
    ("checked_in_at", "签到时间"),
    ("checked_out_at", "签退时间"),
    ("starts_at", "开始时间"),
    ("ends_at", "结束时间"),
    ("audience", "报名范围"),
    ("team_id", "志愿服务队"),
    ("position_id", "阵地"),
    ("cancel_before_hours", "可取消时限"),
    ("volunteer_id", "志愿者"),
    ("skills", "特长"),
    ("availability", "可服务时间"),
    ("detail", "说明"),
    ("purpose", "用途"),
    ("count", "次数"),
    ("repeat", "重复"),
    ("reason", "理由"),
    ("day", "日期"),
    ("opens", "开放时间"),
    ("closes", "闭馆时间"),
    ("closed_weekdays", "每周闭馆日"),
    ("buffer_minutes", "场地间隔"),
    ("release_minutes", "释放时限"),
    ("capacity", "容纳人数"),
    ("facilities", "设施"),
    ("max_no_shows", "未到场次数上限"),
    ("pause_days", "暂停报名天数"),
];

/// Chinese label of a field code name.
pub fn field_label(field: &str) -> &'static str {
    FIELD_LABELS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or("字段", |(_, l)| l)
}
