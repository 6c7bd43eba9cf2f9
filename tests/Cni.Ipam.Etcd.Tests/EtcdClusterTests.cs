using Cni.Tests.Etcd;

namespace Cni.Ipam.Etcd.Tests;

/// <summary>The fixture itself: members start, elect, die and come back, and nothing outlives the test.</summary>
public sealed class EtcdClusterTests
{
    [Fact]
    public void ThreeMembersElectALeaderSurviveItsDeathAndLeaveNoProcess()
    {
        int[] pids;
        string directory;
        using (EtcdCluster cluster = EtcdCluster.Start(3))
        {
            directory = cluster.Directory;
            pids = [.. Enumerable.Range(0, 3).Select(cluster.Pid)];
            Assert.Equal(3, cluster.ClientUrls.Distinct().Count());
            cluster.Put("/cnitest/a", "1");
            int killed = cluster.KillLeader();
            Assert.False(cluster.IsRunning(killed));
            int leader = cluster.Leader();
            Assert.NotEqual(killed, leader);
            Assert.Equal("1", Assert.Single(cluster.Range("/cnitest/")).Value);
            cluster.StartMember(killed);
            cluster.StopMember(leader);
            cluster.WaitHealthy(TimeSpan.FromSeconds(30));
            Assert.NotEqual(leader, cluster.Leader());
            cluster.StartMember(leader);
            Assert.Equal(3, Enumerable.Range(0, 3).Count(cluster.IsRunning));
        }

        Assert.Equal(3, pids.Distinct().Count());
        Assert.Empty(EtcdCluster.ProcessesUsing(directory));
        Assert.All(pids, pid => Assert.False(File.Exists(Path.Combine(EtcdCluster.PidDirectory, pid + ".pid")), $"pid file of {pid} left"));
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void TlsClusterAnswersOnlyClientsWithItsCertificates()
    {
        using EtcdCluster cluster = EtcdCluster.Start(1, tls: true);
        Assert.Equal("https", cluster.ClientUrls[0].Scheme);
        cluster.Put("/cnitest/tls", "yes");
        Assert.Equal("yes", Assert.Single(cluster.Range("/cnitest/")).Value);
        Assert.True(File.Exists(cluster.Tls!.WrongCaFile));
    }
}
