//! Stationed units (驻区单位).

labelled_enum! {
    UnitCategory, "category" {
        Agency = "agency", "机关";
        Institution = "institution", "事业单位";
        StateEnterprise = "state_enterprise", "国有企业" | "国企";
        PrivateEnterprise = "private_enterprise", "非公企业";
        SocialOrganisation = "social_organisation", "社会组织";
        Market = "market", "商圈市场";
        OfficeBuilding = "office_building", "商务楼宇";
        Ecommerce = "ecommerce", "电商";
    }
}
